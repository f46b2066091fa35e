import { afterEach } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import {
  TRACKER_PROTOCOL_VERSION,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type WelcomeMessage,
} from '@streamrp2p/protocol';
import { createTracker, type Tracker, type TrackerOptions } from '../src/index.js';

export type TestClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What a refused connection reports. */
export type ConnectError = Error & { data?: { code: string; message: string } };

export interface ConnectOptions {
  auth?: Record<string, unknown>;
  /** Pretend to come from this IP (the tracker must have `trustProxy`). */
  ip?: string;
}

const trackers: Tracker[] = [];
const clients: TestClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  await Promise.all(trackers.splice(0).map((t) => t.close()));
});

/** Starts a tracker on a free port; closed after the test. */
export async function startTracker(
  options: TrackerOptions = {},
): Promise<{ tracker: Tracker; url: string }> {
  const tracker = createTracker({ port: 0, ...options });
  trackers.push(tracker);
  const { url } = await tracker.start();
  return { tracker, url };
}

/** A socket.io client over websocket only, no reconnection; disconnected after the test. */
export function openClient(url: string, options: ConnectOptions = {}): TestClient {
  const client: TestClient = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: options.auth ?? { v: TRACKER_PROTOCOL_VERSION },
    extraHeaders: options.ip === undefined ? {} : { 'x-forwarded-for': options.ip },
  });
  clients.push(client);
  return client;
}

/** Connects and resolves with the client and its `welcome`. */
export function connect(
  url: string,
  options: ConnectOptions = {},
): Promise<{ client: TestClient; welcome: WelcomeMessage }> {
  const client = openClient(url, options);
  return new Promise((resolve, reject) => {
    client.once('welcome', (welcome) => resolve({ client, welcome }));
    client.once('connect_error', reject);
  });
}

/** Connects a client that must be refused; resolves with the error. */
export function refusedConnection(
  url: string,
  options: ConnectOptions = {},
): Promise<ConnectError> {
  const client = openClient(url, options);
  return new Promise((resolve, reject) => {
    client.once('connect_error', resolve);
    client.once('connect', () => reject(new Error('connection was accepted')));
  });
}

/** Emits with an ack and a timeout; resolves with the ack. */
export function request<T = Record<string, unknown>>(
  client: TestClient,
  event: string,
  ...args: unknown[]
): Promise<T> {
  const emitter = client.timeout(3000) as unknown as {
    emitWithAck(event: string, ...args: unknown[]): Promise<T>;
  };
  return emitter.emitWithAck(event, ...args);
}

/** Resolves with the next `event` the client receives. */
export function nextEvent<T>(client: TestClient, event: string, timeoutMs = 3000): Promise<T> {
  const on = client as unknown as {
    once(e: string, l: (v: T) => void): void;
    off(e: string, l: (v: T) => void): void;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      on.off(event, listener);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (value: T) => {
      clearTimeout(timer);
      resolve(value);
    };
    on.once(event, listener);
  });
}

/** Collects every `event` the client receives from now on. */
export function record<T>(client: TestClient, event: string): T[] {
  const seen: T[] = [];
  (client as unknown as { on(e: string, l: (v: T) => void): void }).on(event, (value) =>
    seen.push(value),
  );
  return seen;
}

/**
 * A round trip through the tracker: once its ack arrives, everything the
 * tracker emitted to this client before it has arrived too (one ordered
 * connection), so "nothing was delivered" can be asserted without sleeping.
 */
export async function roundTrip(client: TestClient): Promise<void> {
  await request(client, 'peers', { swarm: 'sync:probe' });
}

/** Resolves when the client is disconnected, with the reason. */
export function disconnection(client: TestClient, timeoutMs = 5000): Promise<string> {
  if (client.disconnected && !client.active) return Promise.resolve('already disconnected');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`still connected after ${timeoutMs} ms`)),
      timeoutMs,
    );
    client.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

export const ref = (streamId: string, rendition = 'hd') => ({ streamId, rendition });
