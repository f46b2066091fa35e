/**
 * Origin requests with a timeout, a completeness check and retries. A body shorter than its
 * Content-Length (a cut connection) is an error, so a truncated segment is never hashed.
 */

/** An origin request that failed (status, network, timeout or truncated body). */
export class OriginFetchError extends Error {
  override readonly name = 'OriginFetchError';
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

/** One GET; resolves with the complete body or throws {@link OriginFetchError}. */
export async function fetchBytes(url: string, opts: FetchOptions): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url, {
      signal: AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs)]),
      headers: { 'accept-encoding': 'identity' },
    });
  } catch (error) {
    throw new OriginFetchError(`GET ${url}: ${describe(error)}`, { cause: error });
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new OriginFetchError(`GET ${url}: HTTP ${res.status}`);
  }
  let body: Uint8Array;
  try {
    body = new Uint8Array(await res.arrayBuffer());
  } catch (error) {
    throw new OriginFetchError(`GET ${url}: body failed: ${describe(error)}`, { cause: error });
  }
  const declared = res.headers.get('content-length');
  const encoded = (res.headers.get('content-encoding') ?? 'identity') !== 'identity';
  if (declared !== null && !encoded && Number(declared) !== body.length) {
    throw new OriginFetchError(`GET ${url}: truncated body (${body.length} of ${declared} bytes)`);
  }
  return body;
}

/** {@link fetchBytes} with up to `attempts` tries and exponential backoff between them. */
export async function fetchWithRetry(url: string, opts: RetryOptions): Promise<Uint8Array> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetchBytes(url, opts);
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
