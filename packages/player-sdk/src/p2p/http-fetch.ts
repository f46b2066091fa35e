import { parseContentRange, rangeHeaderValue, type PlaylistByteRange } from '@streamrp2p/protocol';
import { SdkError, SdkErrorCode } from '../errors.js';

/** A byte range of a resource: `start` inclusive, `end` exclusive (as the playlist parser gives). */
export type ByteRange = PlaylistByteRange;

export interface HttpFetchOptions {
  /** The segment's own byte range in the resource (HLS `#EXT-X-BYTERANGE`). */
  range?: ByteRange | undefined;
  /** Skip the first `offset` bytes of the segment (resume after a partial P2P download). */
  offset?: number;
  signal?: AbortSignal;
  /** Called once the request is sent, with its time (`performance.now()`). */
  onStart?: (at: number) => void;
  /** Called once the response is accepted, with the body's announced length (Content-Length). */
  onResponse?: (bodyLength: number | undefined) => void;
  /** Called with each piece of the body as it arrives, before any slicing. */
  onChunk?: (bytes: Uint8Array) => void;
  /**
   * Called with the segment's bytes (from `offset` on) as they arrive, in order, cut out of the
   * body: the only way they are handed over, so a transfer aborted part-way has delivered what
   * it got, and no second copy of the segment is made. The bytes may be reused.
   */
  onData: (bytes: Uint8Array) => void;
}

export interface HttpFetchResult {
  /** Body bytes the server sent: more than the segment's when it ignored our `Range`. */
  bodyBytes: number;
  startedAt: number;
  firstByteAt: number;
  endedAt: number;
}

/** The `Range` header for the segment's bytes from `offset` on, or none for a whole resource. */
export function rangeHeader(range: ByteRange | undefined, offset: number): string | undefined {
  const start = (range?.start ?? 0) + offset;
  if (range === undefined) return start > 0 ? rangeHeaderValue(start) : undefined;
  return rangeHeaderValue(start, range.end);
}

/** Where the wanted bytes sit in a response body, or why the response cannot give them. */
function locate(
  response: Response,
  wanted: { start: number; end: number | undefined },
  ranged: boolean,
): { from: number; to: number | undefined } | string {
  if (!ranged) return { from: 0, to: undefined };
  if (response.status === 200) {
    // HTTP lets a server ignore Range: the body is the whole resource, so cut our part out.
    return { from: wanted.start, to: wanted.end };
  }
  if (response.status !== 206) return `HTTP ${response.status} to a range request`;
  const sent = parseContentRange(response.headers.get('content-range'));
  if (!sent) return 'a 206 answer without a valid Content-Range';
  if (sent.start > wanted.start || (wanted.end !== undefined && sent.end < wanted.end)) {
    return `Content-Range ${sent.start}-${sent.end - 1} does not cover the requested bytes`;
  }
  return {
    from: wanted.start - sent.start,
    to: wanted.end === undefined ? undefined : wanted.end - sent.start,
  };
}

/**
 * Fetches a segment (or its rest, from `offset`) over HTTP, streaming the body so progress is
 * known. Sends `Range` only for a real sub-range (`EXT-X-BYTERANGE`) or a resume; a server that
 * ignores it and answers 200 with the whole resource still yields the right bytes.
 */
export async function httpFetch(url: string, options: HttpFetchOptions): Promise<HttpFetchResult> {
  const offset = options.offset ?? 0;
  const range = rangeHeader(options.range, offset);
  const headers: Record<string, string> = range === undefined ? {} : { Range: range };
  const startedAt = performance.now();
  options.onStart?.(startedAt);
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: options.signal });
  } catch (error) {
    if (options.signal?.aborted) throw new SdkError(SdkErrorCode.Aborted, 'HTTP download aborted');
    throw new SdkError(SdkErrorCode.HttpFailed, `HTTP request failed: ${String(error)}`, { url });
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new SdkError(SdkErrorCode.HttpFailed, `HTTP ${response.status} for ${url}`, {
      url,
      status: response.status,
    });
  }
  const firstByteAt = performance.now();
  const wanted = { start: (options.range?.start ?? 0) + offset, end: options.range?.end };
  const place = locate(response, wanted, range !== undefined);
  if (typeof place === 'string') {
    await response.body?.cancel().catch(() => undefined);
    throw new SdkError(SdkErrorCode.HttpFailed, `${place} for ${url}`, { url });
  }
  const announced = Number(response.headers.get('content-length'));
  const expected = Number.isFinite(announced) && announced > 0 ? announced : undefined;
  options.onResponse?.(expected);
  const bodyBytes = await readBody(response, place, options);
  if (expected !== undefined && bodyBytes !== expected) {
    throw new SdkError(
      SdkErrorCode.HttpFailed,
      `truncated body: ${bodyBytes} of ${expected} bytes`,
      { url },
    );
  }
  if (place.from > bodyBytes || (place.to !== undefined && place.to > bodyBytes)) {
    throw new SdkError(
      SdkErrorCode.HttpFailed,
      `${url} is ${bodyBytes} bytes, shorter than the requested range`,
      { url },
    );
  }
  return { bodyBytes, startedAt, firstByteAt, endedAt: performance.now() };
}

/**
 * Reads the body as it streams in, handing each piece to `onChunk` and the part of it within
 * `place` (body offsets) to `onData`; returns how long the body was.
 */
async function readBody(
  response: Response,
  place: { from: number; to: number | undefined },
  options: HttpFetchOptions,
): Promise<number> {
  let bodyBytes = 0;
  const take = (chunk: Uint8Array) => {
    options.onChunk?.(chunk);
    const from = Math.max(0, place.from - bodyBytes);
    const to = Math.min(chunk.byteLength, (place.to ?? Infinity) - bodyBytes);
    bodyBytes += chunk.byteLength;
    if (to <= from) return;
    options.onData(from === 0 && to === chunk.byteLength ? chunk : chunk.subarray(from, to));
  };
  if (!response.body) {
    take(new Uint8Array(await response.arrayBuffer()));
  } else {
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        take(value);
      }
    } catch (error) {
      if (options.signal?.aborted)
        throw new SdkError(SdkErrorCode.Aborted, 'HTTP download aborted');
      throw new SdkError(SdkErrorCode.HttpFailed, `HTTP body failed: ${String(error)}`);
    }
  }
  return bodyBytes;
}
