/**
 * The check that a response to a `Range` request for a `#EXT-X-BYTERANGE` segment holds exactly
 * that segment's bytes. The stored root and length must be those of what a player fetches for
 * that sequence, never of a neighbouring range or of the whole resource several segments share.
 */
import { parseContentRange, rangeHeaderValue, type PlaylistByteRange } from '@streamrp2p/protocol';

/** The `Range` value asking for exactly `range`. */
export function rangeHeader(range: PlaylistByteRange): string {
  return rangeHeaderValue(range.start, range.end);
}

/** The segment's bytes, or why the response does not hold exactly them. */
export type TakenRange = { bytes: Uint8Array } | { problem: string };

/**
 * The bytes of `range` from the complete response to a GET sent with {@link rangeHeader}.
 *
 * @example
 * const taken = takeRange(res, body, { start: 720, end: 1720 });
 * if ('problem' in taken) throw new Error(taken.problem);
 */
export function takeRange(
  res: Pick<Response, 'status' | 'headers'>,
  body: Uint8Array,
  range: PlaylistByteRange,
): TakenRange {
  if (res.status === 200) {
    // Servers may ignore Range (RFC 9110 14.2) and send the whole resource: cut ours out.
    if (body.length < range.end) {
      return { problem: `Range ignored and the ${body.length}-byte body ends before ${range.end}` };
    }
    return { bytes: body.subarray(range.start, range.end) };
  }
  if (res.status !== 206) return { problem: `HTTP ${res.status} to a Range request` };
  const encoding = res.headers.get('content-encoding') ?? 'identity';
  if (encoding !== 'identity') {
    // Its offsets count encoded bytes: the decoded body is not our range.
    return { problem: `206 with Content-Encoding ${encoding}` };
  }
  const header = res.headers.get('content-range');
  const sent = parseContentRange(header);
  if (sent?.start !== range.start || sent.end !== range.end) {
    return {
      problem: `206 with Content-Range ${header ?? 'missing'}, asked ${rangeHeader(range)}`,
    };
  }
  if (body.length !== range.end - range.start) {
    return { problem: `206 body of ${body.length} bytes for ${rangeHeader(range)}` };
  }
  return { bytes: body };
}
