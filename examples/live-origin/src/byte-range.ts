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
