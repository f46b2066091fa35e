/**
 * Origin requests with a timeout, a completeness check and retries. A body shorter than its
 * Content-Length (a cut connection) is an error, so a truncated segment is never hashed; so is
 * a ranged response that does not hold exactly the range asked for.
 */
import type { PlaylistByteRange } from '@streamrp2p/protocol';
import { rangeHeader, takeRange } from './byte-range.js';

/** An origin request that failed (status, network, timeout or truncated body). */
export class OriginFetchError extends Error {
  override readonly name = 'OriginFetchError';
}

/** What to GET: a whole resource, or (`#EXT-X-BYTERANGE`) one byte range of it. */
export interface OriginResource {
  url: string;
  range?: PlaylistByteRange | undefined;
}

export interface FetchOptions {
  timeoutMs: number;
  /** Aborts the request and any retry wait (indexer closing, stream deleted). */
  signal: AbortSignal;
}

export interface RetryOptions extends FetchOptions {
  attempts: number;
  /** First backoff; doubles each attempt, with jitter. */
  baseDelayMs: number;
  /** Called after each failed attempt (metrics, logs). */
  onError?: (error: unknown, attempt: number) => void;
}

/**
 * One GET; resolves with the complete body (only the range's bytes for a ranged resource) or
 * throws {@link OriginFetchError}. Without a range no `Range` header is sent.
 */
export async function fetchBytes(
  resource: OriginResource,
  opts: FetchOptions,
): Promise<Uint8Array> {
  const { url, range } = resource;
  const what = resourceLabel(resource);
  const headers: Record<string, string> = { 'accept-encoding': 'identity' };
  if (range !== undefined) headers.range = rangeHeader(range);
  let res: Response;
  try {
    res = await fetch(url, {
      signal: AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs)]),
      headers,
    });
  } catch (error) {
    throw new OriginFetchError(`GET ${what}: ${describe(error)}`, { cause: error });
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new OriginFetchError(`GET ${what}: HTTP ${res.status}`);
  }
  let body: Uint8Array;
  try {
    body = new Uint8Array(await res.arrayBuffer());
  } catch (error) {
    throw new OriginFetchError(`GET ${what}: body failed: ${describe(error)}`, { cause: error });
  }
  const declared = res.headers.get('content-length');
  const encoded = (res.headers.get('content-encoding') ?? 'identity') !== 'identity';
  if (declared !== null && !encoded && Number(declared) !== body.length) {
    throw new OriginFetchError(`GET ${what}: truncated body (${body.length} of ${declared} bytes)`);
  }
  if (range === undefined) return body;
  const taken = takeRange(res, body, range);
  if ('problem' in taken) throw new OriginFetchError(`GET ${what}: ${taken.problem}`);
  return taken.bytes;
}

/** `url`, or `url bytes=first-last` for a ranged resource (logs, error messages). */
export function resourceLabel(resource: OriginResource): string {
  const { url, range } = resource;
  return range === undefined ? url : `${url} ${rangeHeader(range)}`;
}

/** {@link fetchBytes} with up to `attempts` tries and exponential backoff between them. */
export async function fetchWithRetry(
  resource: OriginResource,
  opts: RetryOptions,
): Promise<Uint8Array> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetchBytes(resource, opts);
    } catch (error) {
      if (opts.signal.aborted) throw error;
      opts.onError?.(error, attempt);
      if (attempt >= opts.attempts) throw error;
      await sleep(backoff(opts.baseDelayMs, attempt), opts.signal);
    }
  }
}

/** Delay before retry `attempt` (1-based): base * 2^(attempt-1), +-25 % jitter, max 30 s. */
export function backoff(baseMs: number, attempt: number): number {
  const delay = Math.min(30_000, baseMs * 2 ** (attempt - 1));
  return Math.round(delay * (0.75 + Math.random() * 0.5));
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
