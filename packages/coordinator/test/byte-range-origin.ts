/**
 * A VOD origin in the single-file fMP4 layout: one `media.mp4` holding the init section and three
 * segments as `#EXT-X-BYTERANGE`s (two with the implicit offset), then a map change to a separate
 * init file and a whole-file segment. It records every request, so a test can see what the
 * indexer asked for, and can ignore `Range` (200 with the whole file) as some origins do.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ByteRangeOrigin {
  /** The media playlist, registered as the stream's URL (its only rendition). */
  readonly playlistUrl: string;
  /** Each segment's bytes, by media sequence (0..3), cut from the parts the files are made of. */
  readonly segments: readonly Uint8Array[];
  /** Every request: path and `Range` header. */
  readonly requests: Array<{ path: string; range: string | undefined }>;
  close(): Promise<void>;
}

const bytes = (n: number) => new Uint8Array(randomBytes(n));

export async function startByteRangeOrigin(opts: {
  honourRange: boolean;
}): Promise<ByteRangeOrigin> {
  const init = bytes(700);
  // Over 16 KiB each, so every root spans several Merkle leaves.
  const ranged = [bytes(40_000), bytes(20_000), bytes(33_000)];
  const tail = bytes(18_000);
  const files: Record<string, Uint8Array> = {
    '/vod/media.mp4': Buffer.concat([init, ...ranged]),
    '/vod/init2.mp4': bytes(100),
    '/vod/tail.m4s': tail,
  };
  const playlist = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    '#EXT-X-TARGETDURATION:2',
    '#EXT-X-MAP:URI="media.mp4",BYTERANGE="700@0"',
    '#EXTINF:2,',
    '#EXT-X-BYTERANGE:40000@700',
    'media.mp4',
    '#EXTINF:2,',
    '#EXT-X-BYTERANGE:20000',
    'media.mp4',
    '#EXTINF:2,',
    '#EXT-X-BYTERANGE:33000',
    'media.mp4',
    '#EXT-X-MAP:URI="init2.mp4"',
    '#EXTINF:2,',
    'tail.m4s',
    '#EXT-X-ENDLIST',
    '',
  ].join('\n');
  const requests: ByteRangeOrigin['requests'] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    requests.push({ path, range: req.headers.range });
    if (path === '/vod/index.m3u8') return void res.end(playlist);
    const file = files[path];
    if (file === undefined) return void res.writeHead(404).end();
    const asked = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (!opts.honourRange || asked === null) return void res.end(file);
    const [first, last] = [Number(asked[1]), Number(asked[2])];
    res
      .writeHead(206, { 'content-range': `bytes ${first}-${last}/${file.length}` })
      .end(file.subarray(first, last + 1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    playlistUrl: `http://127.0.0.1:${port}/vod/index.m3u8`,
    segments: [...ranged, tail],
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
