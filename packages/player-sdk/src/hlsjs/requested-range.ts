import type { LoaderContext } from 'hls.js';
import type { ByteRange } from '../p2p/http-fetch.js';

/**
 * The byte range hls.js asks for, if any. hls.js sets `rangeStart: 0, rangeEnd: 0` on every
 * fragment; only `rangeEnd > 0` (`#EXT-X-BYTERANGE`) is a real range, end exclusive.
 */
export function requestedRange(context: LoaderContext): ByteRange | undefined {
  const { rangeStart, rangeEnd } = context;
  if (!rangeEnd || rangeStart === undefined || rangeEnd <= rangeStart) return undefined;
  return { start: rangeStart, end: rangeEnd };
}
