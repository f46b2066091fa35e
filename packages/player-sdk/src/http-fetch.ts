import { SdkError, SdkErrorCode } from './errors.js';

/** A byte range of a resource: `start` inclusive, `end` exclusive. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface HttpFetchOptions {
  /** The segment's own byte range in the resource (HLS `#EXT-X-BYTERANGE`). */
  range?: ByteRange | undefined;
  /** Skip the first `offset` bytes of the segment (resume after a partial P2P download). */
  offset?: number;
  signal?: AbortSignal;
  /** Called with each piece of the body as it arrives. */
  onChunk?: (bytes: Uint8Array) => void;
}

export interface HttpFetchResult {
  /** The bytes from `offset` on, or the whole segment when the server ignored the range. */
  bytes: Uint8Array;
  /** Where `bytes` start within the segment: `offset`, or 0 when the server sent everything. */
  startsAt: number;
  firstByteAt: number;
}

/**
 * Fetches a segment (or its rest, from `offset`) over HTTP, streaming the body so progress is
 * known. A server that ignores `Range` answers 200 with everything: the caller sees `startsAt: 0`.
 */
export async function httpFetch(
  url: string,
  options: HttpFetchOptions = {},
): Promise<HttpFetchResult> {
  const offset = options.offset ?? 0;
  const start = (options.range?.start ?? 0) + offset;
  const end = options.range?.end;
  const headers: Record<string, string> = {};
  if (start > 0 || end !== undefined) {
    headers.Range = `bytes=${start}-${end === undefined ? '' : end - 1}`;
  }
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: options.signal });
  } catch (error) {
    if (options.signal?.aborted) throw new SdkError(SdkErrorCode.Aborted, 'HTTP download aborted');
    throw new SdkError(SdkErrorCode.HttpFailed, `HTTP request failed: ${String(error)}`, { url });
  }
  if (!response.ok) {
    throw new SdkError(SdkErrorCode.HttpFailed, `HTTP ${response.status} for ${url}`, {
      url,
      status: response.status,
    });
  }
  const firstByteAt = performance.now();
  const partial = response.status === 206;
  if (!partial && headers.Range && options.range) {
    throw new SdkError(SdkErrorCode.HttpFailed, `server ignored the byte range of ${url}`, { url });
  }
  const bytes = await readBody(response, options);
  const expected = Number(response.headers.get('content-length'));
  if (Number.isFinite(expected) && expected > 0 && bytes.byteLength !== expected) {
    throw new SdkError(
      SdkErrorCode.HttpFailed,
      `truncated body: ${bytes.byteLength} of ${expected} bytes`,
      {
        url,
      },
    );
  }
  return { bytes, startsAt: partial ? offset : 0, firstByteAt };
}

async function readBody(response: Response, options: HttpFetchOptions): Promise<Uint8Array> {
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    options.onChunk?.(bytes);
    return bytes;
  }
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      length += value.byteLength;
      options.onChunk?.(value);
    }
  } catch (error) {
    if (options.signal?.aborted) throw new SdkError(SdkErrorCode.Aborted, 'HTTP download aborted');
    throw new SdkError(SdkErrorCode.HttpFailed, `HTTP body failed: ${String(error)}`);
  }
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.byteLength;
  }
  return bytes;
}
