/**
 * The studio's only way to the coordinator: same-origin fetches that carry the session cookie,
 * with the CSRF token of the sign-in answer on every change (decision 34).
 */
import type { ApiErrorBody } from '@streamrp2p/protocol';

/** An error answer of the coordinator, as data. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

let csrfToken: string | undefined;

/** Dispatched on `window` when a call answers 401 while signed in. */
export const SIGNED_OUT_EVENT = 'studio:signed-out';

/** Remembers the CSRF token of the current sign-in (undefined once signed out). */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Calls the API and answers its JSON (undefined for 204).
 *
 * @example
 * const me = await api<SignedInResponse>('GET', '/api/auth/me');
 */
export async function api<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== undefined) headers['X-CSRF-Token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiFailure(0, 'NETWORK', 'The coordinator cannot be reached. Check your connection.');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = (parsed as ApiErrorBody | undefined)?.error;
    // The session ended (expired, or signed out in another tab): the shell goes to sign-in.
    if (response.status === 401 && !path.startsWith('/api/auth/') && csrfToken !== undefined) {
      dispatchEvent(new Event(SIGNED_OUT_EVENT));
    }
    throw new ApiFailure(
      response.status,
      error?.code ?? 'HTTP_ERROR',
      error?.message ?? `The coordinator answered ${response.status}`,
    );
  }
  return parsed as T;
}

/** A query string from the defined values. */
export function query(values: Record<string, string | undefined>): string {
  const entries = Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined);
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries)}`;
}
