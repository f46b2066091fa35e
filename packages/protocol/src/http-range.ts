/**
 * HTTP byte ranges, for `#EXT-X-BYTERANGE` segments and resumed downloads: the `Range` a client
 * sends and the `Content-Range` a 206 answers with. The SDK's segment fetch and the
 * coordinator's indexer both read ranges end-exclusive (as `PlaylistByteRange`); HTTP's end is
 * inclusive.
 */
import type { PlaylistByteRange } from './playlist.js';

/**
 * The `Range` value for the bytes from `start` up to `end` (exclusive), or to the end of the
 * resource when `end` is undefined.
 *
 * @example
 * rangeHeaderValue(100, 200); // 'bytes=100-199'
 * rangeHeaderValue(500); // 'bytes=500-'
 */
export function rangeHeaderValue(start: number, end?: number): string {
  return `bytes=${start}-${end === undefined ? '' : end - 1}`;
}

/**
 * A `Content-Range` (`bytes <first>-<last>/<length or *>`) as an end-exclusive range, or
 * undefined when there is none or it is malformed. The unit is case-insensitive (RFC 9110 14.1).
 *
 * @example
 * parseContentRange('bytes 100-199/1000'); // { start: 100, end: 200 }
 */
export function parseContentRange(
  header: string | null | undefined,
): PlaylistByteRange | undefined {
  const match = /^bytes (\d+)-(\d+)\/(?:\d+|\*)$/i.exec(header?.trim() ?? '');
  if (match === null) return undefined;
  return { start: Number(match[1]), end: Number(match[2]) + 1 };
}
