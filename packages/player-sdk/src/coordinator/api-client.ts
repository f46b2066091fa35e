import { SdkError, SdkErrorCode } from '../errors.js';
import { coordinatorError, CoordinatorErrorCode } from './errors.js';

/** The part of `fetch` the client uses; tests and Node callers may pass their own. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface ApiClientOptions {
  /** Base URL of the coordinator, e.g. `https://coordinator.example` (a path prefix is kept). */
  baseUrl: string;
  /** Per-request timeout, covering the response body too. */
  timeoutMs: number;
  /** @default globalThis.fetch, looked up at each call */
  fetch?: FetchLike | undefined;
}

export interface ApiRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path below the base URL, starting with `/`; callers encode the dynamic parts. */
  path: string;
  query?: Record<string, string | number>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as `Authorization: Bearer ...`. */
  bearer?: string | undefined;
  /** Overrides the client's timeout for this request. */
  timeoutMs?: number;
}

/**
 * A small JSON-over-fetch client for the coordinator. Failures are `SdkError`s whose details
 * say whether retrying may help (`retryable`), with the HTTP status and the server's error code.
 *
 * @example
 * const api = new ApiClient({ baseUrl: 'http://127.0.0.1:8080', timeoutMs: 10_000 });
 * const body = await api.request({ method: 'GET', path: '/api/streams/demo/roots', query });
 */
export class ApiClient {
  private readonly closing = new AbortController();

  constructor(private readonly options: ApiClientOptions) {}

  /** Sends one request and returns its parsed JSON body (`undefined` for an empty body). */
  async request(request: ApiRequest): Promise<unknown> {
    if (this.closing.signal.aborted) throw aborted();
    const where = { method: request.method, path: request.path };
    const controller = new AbortController();
    const onClose = () => controller.abort();
    this.closing.signal.addEventListener('abort', onClose);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, request.timeoutMs ?? this.options.timeoutMs);
    try {
      const fetchFn = this.options.fetch ?? globalThis.fetch;
      const response = await fetchFn(this.url(request), {
        method: request.method,
        headers: headers(request),
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: controller.signal,
      });
      const text = await response.text();
      if (!response.ok) throw httpError(response, text, where);
      return parseJson(text, where);
    } catch (error) {
      if (error instanceof SdkError) throw error;
      if (this.closing.signal.aborted) throw aborted();
      const reason = timedOut ? 'timed out' : `failed: ${String(error)}`;
      throw coordinatorError(
        CoordinatorErrorCode.Unavailable,
        `coordinator ${request.method} ${request.path} ${reason}`,
        { ...where, retryable: true, timeout: timedOut },
      );
    } finally {
      clearTimeout(timer);
      this.closing.signal.removeEventListener('abort', onClose);
    }
  }

  /** Aborts every request in flight; later requests fail at once with `ABORTED`. */
  close(): void {
    this.closing.abort();
  }

  private url(request: ApiRequest): string {
    const url = new URL(this.options.baseUrl.replace(/\/+$/, '') + request.path);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      url.searchParams.set(key, String(value));
    }
    return url.toString();
  }
}

function headers(request: ApiRequest): Record<string, string> {
  const out: Record<string, string> = { accept: 'application/json' };
  if (request.body !== undefined) out['content-type'] = 'application/json';
  if (request.bearer !== undefined) out.authorization = `Bearer ${request.bearer}`;
  return out;
}

function aborted(): SdkError {
  return new SdkError(SdkErrorCode.Aborted, 'the coordinator client was closed');
}

function parseJson(text: string, where: { method: string; path: string }): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // A proxy's HTML error page, a truncated body: the next attempt may get the real answer.
    throw coordinatorError(
      CoordinatorErrorCode.Unavailable,
      `coordinator ${where.method} ${where.path} sent a body that is not JSON`,
      { ...where, retryable: true },
    );
  }
}

function httpError(
  response: Response,
  text: string,
  where: { method: string; path: string },
): SdkError {
  const { status } = response;
  const retryable = status >= 500 || status === 429 || status === 408;
  let serverCode: string | undefined;
  let serverMessage: string | undefined;
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') serverCode = body.error.code;
    if (typeof body.error?.message === 'string') serverMessage = body.error.message;
  } catch {
    // Not our error format (a proxy's page): the status says enough.
  }
  const retryAfter = Number(response.headers.get('retry-after'));
  const detail = [serverCode, serverMessage].filter(Boolean).join(': ');
  return coordinatorError(
    retryable ? CoordinatorErrorCode.Unavailable : CoordinatorErrorCode.Rejected,
    `coordinator ${where.method} ${where.path} answered ${status}${detail ? ` ${detail}` : ''}`,
    {
      ...where,
      retryable,
      status,
      serverCode,
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
    },
  );
}
