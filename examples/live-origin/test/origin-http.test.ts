import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_FIXTURE_DIR, startLiveOrigin, type LiveOrigin } from '../src/index.js';
import { getText, httpRequest } from './http-client.js';
import { mediaSequence, uriLines } from './playlist.js';

const SEGMENTS = 20;
const fixtureFile = (relative: string): Promise<Buffer> =>
  readFile(path.join(DEFAULT_FIXTURE_DIR, relative));

let clock = Date.UTC(2030, 0, 1);
let origin: LiveOrigin;

beforeAll(async () => {
  origin = await startLiveOrigin({ now: () => clock });
});
afterAll(async () => {
  await origin.close();
});
beforeEach(() => {
  origin.resetStats();
});

describe('live', () => {
  it('serves a master playlist pointing at the live media playlists', async () => {
    const res = await httpRequest(`${origin.url}/live/master.m3u8`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.apple.mpegurl');
    expect(res.headers['cache-control']).toBe('no-cache');
    const text = res.body.toString();
    expect(uriLines(text)).toEqual(['240p/index.m3u8', '360p/index.m3u8']);
    expect(text).toContain('RESOLUTION=426x240,CODECS="avc1.42c01e,mp4a.40.2"');
  });

  it('starts with a full window and advances when the clock does', async () => {
    const start = clock;
    const first = await getText(`${origin.url}/live/240p/index.m3u8`);
    expect(mediaSequence(first)).toBe(0);
    expect(uriLines(first)).toEqual([
      'seq-0.ts',
      'seq-1.ts',
      'seq-2.ts',
      'seq-3.ts',
      'seq-4.ts',
      'seq-5.ts',
    ]);
    expect(first).toContain('#EXT-X-TARGETDURATION:2');
    expect(first).not.toContain('#EXT-X-ENDLIST');

    clock = start + 1999;
    expect(mediaSequence(await getText(`${origin.url}/live/240p/index.m3u8`))).toBe(0);
    clock = start + 2000;
    expect(mediaSequence(await getText(`${origin.url}/live/360p/index.m3u8`))).toBe(1);

    clock = start + 30 * 2000; // 36 published: window 30..35, boundary at 20 gone
    const later = await getText(`${origin.url}/live/240p/index.m3u8`);
    expect(mediaSequence(later)).toBe(30);
    expect(later).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:1');
    expect(uriLines(later).at(-1)).toBe('seq-35.ts');
  });

  it('serves seq-N as fixture segment N mod count, 404 before it is published', async () => {
    const playlist = await getText(`${origin.url}/live/360p/index.m3u8`);
    const newest = Number(/seq-(\d+)\.ts\s*$/.exec(playlist)?.[1]);
    expect(newest).toBeGreaterThanOrEqual(SEGMENTS); // past one loop after the previous test
    for (const seq of [newest, newest - 1]) {
      const res = await httpRequest(`${origin.url}/live/360p/seq-${seq}.ts`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('video/mp2t');
      expect(res.body.equals(await fixtureFile(`360p/seg${seq % SEGMENTS}.ts`))).toBe(true);
    }
    expect((await httpRequest(`${origin.url}/live/360p/seq-${newest + 1}.ts`)).status).toBe(404);
    expect((await httpRequest(`${origin.url}/live/360p/seq-0.ts`)).status).toBe(404); // evicted
    expect((await httpRequest(`${origin.url}/live/999p/index.m3u8`)).status).toBe(404);
    clock += 2000;
    expect((await httpRequest(`${origin.url}/live/360p/seq-${newest + 1}.ts`)).status).toBe(200);
  });
});

describe('VOD', () => {
  it('serves playlists and segments byte-identical to the fixture', async () => {
    for (const file of [
      'master.m3u8',
      '240p/index.m3u8',
      '360p/index.m3u8',
      '240p/seg0.ts',
      '360p/seg19.ts',
    ]) {
      const res = await httpRequest(`${origin.url}/vod/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.body.equals(await fixtureFile(file)), file).toBe(true);
      expect(res.headers['content-type']).toBe(
        file.endsWith('.ts') ? 'video/mp2t' : 'application/vnd.apple.mpegurl',
      );
    }
    expect((await httpRequest(`${origin.url}/vod/240p/seg20.ts`)).status).toBe(404);
    expect((await httpRequest(`${origin.url}/vod/../package.json`)).status).toBe(404);
  });

  it('answers HEAD with headers only', async () => {
    const res = await httpRequest(`${origin.url}/vod/240p/seg1.ts`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(Number(res.headers['content-length'])).toBe((await fixtureFile('240p/seg1.ts')).length);
    expect(res.body.length).toBe(0);
  });
});

describe('ranges', () => {
  it('serves single byte ranges with 206 and Content-Range', async () => {
    const file = await fixtureFile('240p/seg2.ts');
    const url = `${origin.url}/vod/240p/seg2.ts`;
    const mid = await httpRequest(url, { headers: { Range: 'bytes=1000-1999' } });
    expect(mid.status).toBe(206);
    expect(mid.headers['content-range']).toBe(`bytes 1000-1999/${file.length}`);
    expect(mid.body.equals(file.subarray(1000, 2000))).toBe(true);

    const tail = await httpRequest(url, { headers: { Range: `bytes=${file.length - 10}-` } });
    expect(tail.status).toBe(206);
    expect(tail.body.equals(file.subarray(file.length - 10))).toBe(true);

    const seq = await httpRequest(`${origin.url}/live/240p/seq-${mediaSequenceNow()}.ts`, {
      headers: { Range: 'bytes=0-187' },
    });
    expect(seq.status).toBe(206);
    expect(seq.body.length).toBe(188);
  });

  it('answers 416 for an unsatisfiable range', async () => {
    const file = await fixtureFile('240p/seg2.ts');
    const res = await httpRequest(`${origin.url}/vod/240p/seg2.ts`, {
      headers: { Range: `bytes=${file.length}-` },
    });
    expect(res.status).toBe(416);
    expect(res.headers['content-range']).toBe(`bytes */${file.length}`);
  });
});

/** A sequence certainly inside the current window. */
function mediaSequenceNow(): number {
  return Math.floor((clock - origin.handler.epochMs) / 2000) - 1;
}

describe('CORS', () => {
  it('allows any origin and exposes the range headers', async () => {
    const res = await httpRequest(`${origin.url}/live/master.m3u8`);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-expose-headers']).toMatch(/Content-Length, Content-Range/);
    const stats = await httpRequest(`${origin.url}/stats`);
    expect(stats.headers['access-control-allow-origin']).toBe('*');
  });

  it('answers preflights', async () => {
    const res = await httpRequest(`${origin.url}/live/240p/seq-3.ts`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://example.test',
        'Access-Control-Request-Headers': 'range, x-client-id',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-headers']).toMatch(/Range/);
    expect(res.headers['access-control-allow-headers']).toMatch(/X-Client-Id/);
    expect(origin.stats().totalRequests).toBe(0); // preflights are not media traffic
  });
});

describe('accounting', () => {
  it('counts exactly the body bytes received, per kind and per client header', async () => {
    const received = { playlist: 0, segment: 0 };
    const fetchAs = async (url: string, client?: string): Promise<number> => {
      const res = await httpRequest(
        url,
        client === undefined ? {} : { headers: { 'X-Client-Id': client } },
      );
      return res.body.length;
    };
    received.playlist += await fetchAs(`${origin.url}/live/240p/index.m3u8`, 'alice');
    received.segment += await fetchAs(`${origin.url}/vod/240p/seg0.ts`, 'alice');
    received.segment += await fetchAs(`${origin.url}/vod/360p/seg1.ts`, 'bob');
    received.segment += await fetchAs(`${origin.url}/vod/360p/seg99.ts`, 'bob'); // a 404 body
    received.playlist += await fetchAs(`${origin.url}/vod/master.m3u8`);

    const stats = origin.stats();
    expect(stats.totalBytes).toBe(received.playlist + received.segment);
    expect(stats.playlistBytes).toBe(received.playlist);
    expect(stats.segmentBytes).toBe(received.segment);
    expect(stats.totalRequests).toBe(5);
    expect(stats.segmentRequests).toBe(3);
    expect(stats.playlistRequests).toBe(2);
    expect(stats.clients.alice?.segmentBytes).toBe((await fixtureFile('240p/seg0.ts')).length);
    expect(stats.clients.alice?.requests).toBe(2);
    expect(stats.clients.bob?.segmentRequests).toBe(2);
    expect(stats.clients.anonymous?.playlistRequests).toBe(1);
  });

  it('attributes a plain player through ?client= propagation', async () => {
    let bytes = 0;
    const master = await httpRequest(origin.liveMasterUrl('viewer1'));
    bytes += master.body.length;
    const variant = uriLines(master.body.toString())[0] ?? '';
    expect(variant).toBe('240p/index.m3u8?client=viewer1');
    const media = await httpRequest(new URL(variant, origin.liveMasterUrl()).href);
    bytes += media.body.length;
    const segments = uriLines(media.body.toString());
    expect(segments.length).toBe(6);
    for (const uri of segments.slice(0, 2)) {
      expect(uri).toMatch(/^seq-\d+\.ts\?client=viewer1$/);
      const res = await httpRequest(new URL(uri, `${origin.url}/live/240p/`).href);
      expect(res.status).toBe(200);
      bytes += res.body.length;
    }
    const vod = await getText(origin.vodMasterUrl('viewer1'));
    bytes += Buffer.byteLength(vod);
    expect(uriLines(vod)).toEqual([
      '240p/index.m3u8?client=viewer1',
      '360p/index.m3u8?client=viewer1',
    ]);

    const stats = origin.stats();
    expect(Object.keys(stats.clients)).toEqual(['viewer1']);
    expect(stats.clients.viewer1).toMatchObject({
      bytes,
      requests: 5,
      segmentRequests: 2,
      playlistRequests: 3,
    });
    expect(stats.totalBytes).toBe(bytes);
  });

  it('prefers the header over the query and rejects malformed ids', async () => {
    await httpRequest(`${origin.url}/vod/master.m3u8?client=q`, {
      headers: { 'X-Client-Id': 'h' },
    });
    expect(Object.keys(origin.stats().clients)).toEqual(['h']);
    const bad = await httpRequest(`${origin.url}/vod/master.m3u8?client=${'x'.repeat(200)}`);
    expect(bad.status).toBe(400);
  });

  it("counts the coordinator's segment indexer apart, by its User-Agent", async () => {
    await httpRequest(`${origin.url}/vod/240p/seg0.ts`, {
      headers: { 'User-Agent': 'StreamrP2P-Indexer/0.1' },
    });
    await httpRequest(`${origin.url}/vod/240p/seg0.ts`, {
      headers: { 'User-Agent': 'Mozilla/5.0' },
    });
    const { clients } = origin.stats();
    expect(clients.indexer?.segmentRequests).toBe(1);
    expect(clients.anonymous?.segmentRequests).toBe(1);
  });

  it('resets through the library and through POST /stats/reset', async () => {
    await httpRequest(`${origin.url}/vod/240p/seg0.ts`);
    expect(origin.stats().totalBytes).toBeGreaterThan(0);
    const stats = JSON.parse(await getText(origin.statsUrl)) as { totalBytes: number };
    expect(stats.totalBytes).toBe(origin.stats().totalBytes);
    const reset = await httpRequest(`${origin.url}/stats/reset`, { method: 'POST' });
    expect(reset.status).toBe(200);
    expect(JSON.parse(reset.body.toString())).toMatchObject({
      totalBytes: 0,
      totalRequests: 0,
      clients: {},
    });
    expect(origin.stats().totalBytes).toBe(0);
    await httpRequest(`${origin.url}/vod/240p/seg0.ts`);
    origin.resetStats();
    expect(origin.stats()).toMatchObject({ totalBytes: 0, segmentRequests: 0, clients: {} });
  });

  it('answers unknown paths with 404 and wrong methods with 405', async () => {
    expect((await httpRequest(`${origin.url}/nope`)).status).toBe(404);
    expect((await httpRequest(`${origin.url}/stats`, { method: 'DELETE' })).status).toBe(405);
    expect((await httpRequest(`${origin.url}/vod/master.m3u8`, { method: 'POST' })).status).toBe(
      405,
    );
  });
});
