/**
 * Origin requests with a timeout, a size limit, a completeness check and retries. A body shorter
 * than its Content-Length (a cut connection) is an error, so a truncated segment is never hashed;
 * so is a ranged response that does not hold exactly the range asked for. Every request goes
 * through an {@link OriginGuard}: only the hosts the origin policy allows are connected to
 * (checked on the address actually dialled), and redirects are followed here, hop by hop, each
 * checked again.
 */
import type { PlaylistByteRange } from '@streamrp2p/protocol';
import { Agent, fetch, type Dispatcher } from 'undici';
import { OriginNotAllowedError, OriginPolicy } from '../streams/origin-policy.js';
import { rangeHeader, takeRange } from './byte-range.js';

/** An origin request that failed (status, network, timeout or truncated body). */

/**
 * The indexer's User-Agent, so an origin's logs (and the demo origin's per-client counters) can
 * tell the coordinator's fetches from viewers'.
 */
export const INDEXER_USER_AGENT = 'StreamrP2P-Indexer/0.1';

export class OriginFetchError extends Error {
  override readonly name: string = 'OriginFetchError';
}

/**
 * A request refused before or instead of being made (a non-public host, a scheme, too many
 * redirects, a body over the size limit): not retried.
 */
export class OriginRefusedError extends OriginFetchError {
  override readonly name = 'OriginRefusedError';
}

/** The policy every origin request obeys, and the connection pool that enforces it. */
export interface OriginGuard {
  readonly policy: OriginPolicy;
  /** Dials only addresses the policy allows. */
  readonly dispatcher: Dispatcher;
  /** Redirects followed per request. */
  readonly maxRedirects: number;
}

/**
 * A guard for `allowList` (see `OriginPolicy`); close its dispatcher when done.
 *
 * @example
 * const guard = createOriginGuard({ allowList: ['127.0.0.0/8'], maxRedirects: 5 });
 */
export function createOriginGuard(opts: {
  allowList: readonly string[];
  maxRedirects: number;
}): OriginGuard {
  const policy = new OriginPolicy(opts.allowList);
  const dispatcher = new Agent({
    connect: { lookup: policy.connectLookup() },
    keepAliveTimeout: 4000,
  });
  return { policy, dispatcher, maxRedirects: opts.maxRedirects };
}

let defaultGuard: OriginGuard | undefined;
/** No allow-list, 5 redirects: what a request without a guard gets. */
function strictGuard(): OriginGuard {
  defaultGuard ??= createOriginGuard({ allowList: [], maxRedirects: 5 });
  return defaultGuard;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** What to GET: a whole resource, or (`#EXT-X-BYTERANGE`) one byte range of it. */
export interface OriginResource {
  url: string;
  range?: PlaylistByteRange | undefined;
}

export interface FetchOptions {
  timeoutMs: number;
  /** Aborts the request and any retry wait (indexer closing, stream deleted). */
  signal: AbortSignal;
  /** Largest body read (the whole body, also when a range is cut from it). @default unlimited */
  maxBytes?: number | undefined;
  /** Which hosts may be connected to. @default no allow-list: public addresses only */
  guard?: OriginGuard | undefined;
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
  const headers: Record<string, string> = {
    'accept-encoding': 'identity',
    'user-agent': INDEXER_USER_AGENT,
  };
  if (range !== undefined) headers.range = rangeHeader(range);
  const signal = AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs)]);
  const res = await follow(url, what, headers, signal, opts.guard ?? strictGuard());
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new OriginFetchError(`GET ${what}: HTTP ${res.status}`);
  }
  const body = await readBody(res, what, opts.maxBytes ?? Number.POSITIVE_INFINITY);
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

type OriginResponse = Awaited<ReturnType<typeof fetch>>;

/** GETs `url`, following redirects by hand: each hop's URL is checked before it is requested. */
async function follow(
  url: string,
  what: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  guard: OriginGuard,
): Promise<OriginResponse> {
  let next = url;
  for (let hop = 0; ; hop++) {
    const problem = guard.policy.urlProblem(next);
    if (problem !== undefined) {
      const via = next === url ? '' : ` (redirected to ${next})`;
      throw new OriginRefusedError(`GET ${what}${via}: ${problem}`);
    }
    let res: OriginResponse;
    try {
      res = await fetch(next, {
        signal,
        headers,
        redirect: 'manual',
        dispatcher: guard.dispatcher,
      });
    } catch (error) {
      const refused = findCause(error, OriginNotAllowedError);
      if (refused !== undefined) {
        throw new OriginRefusedError(`GET ${what}: ${refused.message}, not a public address`, {
          cause: error,
        });
      }
      throw new OriginFetchError(`GET ${what}: ${describe(error)}`, { cause: error });
    }
    const location = res.headers.get('location');
    if (!REDIRECTS.has(res.status) || location === null) return res;
    await res.body?.cancel().catch(() => undefined);
    if (hop >= guard.maxRedirects)
      throw new OriginRefusedError(`GET ${what}: more than ${guard.maxRedirects} redirects`);
    next = new URL(location, next).href;
  }
}

/** The whole body, refused as soon as it (or its declared length) passes `maxBytes`. */
async function readBody(res: OriginResponse, what: string, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = (size: string) =>
    new OriginRefusedError(`GET ${what}: body of ${size} bytes, over the ${maxBytes}-byte limit`);
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge(String(declared));
  }
  if (res.body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for await (const chunk of res.body) {
      length += chunk.length;
      if (length > maxBytes) {
        await res.body.cancel().catch(() => undefined);
        throw tooLarge(`more than ${length}`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof OriginRefusedError) throw error;
    throw new OriginFetchError(`GET ${what}: body failed: ${describe(error)}`, { cause: error });
  }
  return Buffer.concat(chunks);
}

function findCause<T extends Error>(
  error: unknown,
  type: abstract new (...args: never[]) => T,
): T | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof type) return e;
  }
  return undefined;
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
      if (attempt >= opts.attempts || error instanceof OriginRefusedError) throw error;
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
