/**
 * The VOD media playlist of a rendition when `byteRanges` is on: the fixture's segments, each
 * addressed as its byte range of the rendition's concatenated file. (Without `byteRanges` the
 * fixture's own playlist is served byte for byte.)
 */
import path from 'node:path';
import type { ConcatenatedStream } from './concatenated-stream.js';
import type { FixtureRendition } from './fixture.js';
import { renderMediaPlaylist, targetDurationS } from './media-playlist.js';

/**
 * Renders the byte-range VOD playlist of `rendition`, `stream` being its concatenated file.
 *
 * @example
 * const [rendition] = fixture.renditions;
 * renderVodByteRangePlaylist(rendition, concatenateRendition(rendition, fixture.format));
 */
export function renderVodByteRangePlaylist(
  rendition: FixtureRendition,
  stream: Pick<ConcatenatedStream, 'fileName' | 'ranges'>,
  client?: string,
): string {
  const folder = path.posix.dirname(rendition.playlistPath);
  return renderMediaPlaylist({
    version: rendition.version,
    targetDurationS: targetDurationS(rendition.segments.map((s) => s.durationMs)),
    mediaSequence: 0,
    vod: true,
    mapUri:
      rendition.init === undefined ? undefined : path.posix.relative(folder, rendition.init.path),
    segments: rendition.segments.map((segment, i) => ({
      uri: stream.fileName,
      durationMs: segment.durationMs,
      byteRange: stream.ranges[i],
    })),
    client,
  });
}
