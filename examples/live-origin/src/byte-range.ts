/**
 * Single `Range: bytes=...` requests (RFC 9110 14.1.2), enough for a client to resume a segment
 * download over HTTP after a P2P transfer broke off.
 */

/** An inclusive byte span of a body. */
export interface ByteSpan {
  readonly start: number;
  /** Inclusive, like Content-Range. */
  readonly end: number;
}

/**
 * What to do with a Range header: `full` (no header, or one we may ignore: multi-range or
 * malformed, answered with the whole body as RFC 9110 allows), `partial` (206), or
 * `unsatisfiable` (416).
 */
export type RangeDecision =
  | { readonly type: 'full' }
  | { readonly type: 'partial'; readonly span: ByteSpan }
  | { readonly type: 'unsatisfiable' };

/**
 * Interprets `header` against a body of `size` bytes. Accepts `bytes=a-b`, `bytes=a-` and the
 * suffix form `bytes=-n`; an end past the body is clamped.
 */
export function parseRange(header: string | undefined, size: number): RangeDecision {
  if (header === undefined) return { type: 'full' };
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (match === null) return { type: 'full' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { type: 'full' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { type: 'unsatisfiable' };
    return { type: 'partial', span: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return { type: 'full' };
  if (start >= size) return { type: 'unsatisfiable' };
  return { type: 'partial', span: { start, end } };
}

/** Status, body and range headers of an answer to a request for a whole `body`. */
export interface RangedBody {
  readonly status: 200 | 206 | 416;
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Applies a `Range` header to `body`: 206 with `Content-Range`, 416 for an unsatisfiable range,
 * else 200 with everything. With `ignoreRange` it behaves like a server without range support:
 * always 200 with the whole body, and no `Accept-Ranges`.
 */
export function applyRange(
  header: string | undefined,
  body: Buffer,
  ignoreRange: boolean,
): RangedBody {
  if (ignoreRange) return { status: 200, body, headers: {} };
  const acceptRanges = { 'Accept-Ranges': 'bytes' };
  const range = parseRange(header, body.length);
  if (range.type === 'full') return { status: 200, body, headers: acceptRanges };
  if (range.type === 'unsatisfiable') {
    return {
      status: 416,
      body: Buffer.alloc(0),
      headers: { ...acceptRanges, 'Content-Range': `bytes */${body.length}` },
    };
  }
  const { start, end } = range.span;
  return {
    status: 206,
    body: body.subarray(start, end + 1),
    headers: { ...acceptRanges, 'Content-Range': `bytes ${start}-${end}/${body.length}` },
  };
}
