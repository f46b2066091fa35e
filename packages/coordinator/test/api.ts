/** Test helpers: a coordinator on port 0 over the run's database, and a small JSON client. */
import { afterEach } from 'vitest';
import { ticketPeers } from '@streamrp2p/protocol';
import { createCoordinator, type Coordinator, type CoordinatorOptions } from '../src/index.js';
import { signMeetingTicket } from '@streamrp2p/protocol/node';
import type { TestDatabase } from './databases.js';

export const TRACKER_SECRET = 'test-tracker-secret-0123456789';

const running: Coordinator[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.close()));
});

/** Response bodies are read loosely in tests; each assertion pins the shape it needs. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type Json = any;

/** A response, its JSON body parsed. */
export interface ApiResponse<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  body?: unknown;
  token?: string;
  /** Sent as X-Forwarded-For (the test coordinators trust the proxy). */
  ip?: string;
  headers?: Record<string, string>;
  /** Send this string as the body instead of JSON.stringify(body). */
  raw?: string;
}

/** A JSON client for one coordinator. */
export class Api {
  constructor(readonly url: string) {}

  async request<T = Json>(
    method: string,
    path: string,
    opts: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.body !== undefined || opts.raw !== undefined)
      headers['content-type'] ??= 'application/json';
    if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
    if (opts.ip !== undefined) headers['x-forwarded-for'] = opts.ip;
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers,
      body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
    });
    const text = await res.text();
    let body: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text !== '')
      body = JSON.parse(text);
    return { status: res.status, body: body as T, headers: res.headers };
  }

  get<T = Json>(path: string, opts?: RequestOptions) {
    return this.request<T>('GET', path, opts);
  }
  post<T = Json>(path: string, body?: unknown, opts: RequestOptions = {}) {
    return this.request<T>('POST', path, { ...opts, body });
  }
  patch<T = Json>(path: string, body?: unknown, opts: RequestOptions = {}) {
    return this.request<T>('PATCH', path, { ...opts, body });
  }
  put<T = Json>(path: string, body?: unknown, opts: RequestOptions = {}) {
    return this.request<T>('PUT', path, { ...opts, body });
  }
  delete<T = Json>(path: string, opts?: RequestOptions) {
    return this.request<T>('DELETE', path, opts);
  }
}

/** Starts a coordinator on the run's shared database; closed after the test. */
export async function startCoordinator(
  t: TestDatabase,
  options: CoordinatorOptions = {},
): Promise<{ coordinator: Coordinator; api: Api; url: string }> {
  const coordinator = createCoordinator({
    port: 0,
    database: t.database,
    trackerSecret: TRACKER_SECRET,
    trustProxy: 1,
    indexerRetryBaseMs: 20,
    // Test origins listen on loopback, which the origin policy refuses by default.
    originAllowList: ['127.0.0.0/8', '::1'],
    // The collusion job holds on its timer only where a test asks for it; others call
    // `detectCollusion()`, so a slow run never freezes another suite's credit mid-test.
    collusionIntervalMs: 0,
    // The community job likewise: a test that wants it calls `runCommunity()`.
    communityIntervalMs: 0,
    ...options,
  });
  running.push(coordinator);
  const { url } = await coordinator.start();
  return { coordinator, api: new Api(url), url };
}

/** A clock tests move by hand. */
export function manualClock(start = Date.now()): {
  now: () => number;
  advance: (ms: number) => void;
} {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

/**
 * A meeting ticket as the tracker would issue it when `a` and `b` signal each other in `swarm`
 * (`streamId:rendition`), signed with the tests' {@link TRACKER_SECRET} (or `secret`).
 */
export function meetingTicket(
  a: string,
  b: string,
  swarm: string,
  iat: number = Date.now(),
  secret: string = TRACKER_SECRET,
): string {
  return signMeetingTicket(secret, { v: 1, swarm, peers: ticketPeers(a, b), iat });
}
