import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SdkErrorCode } from '../errors.js';
import type { CoordinatorOptions } from './config.js';
import { CoordinatorClient } from './coordinator-client.js';
import type { CoordinatorEvents } from './events.js';
import {
  memoryStorage,
  startFakeCoordinator,
  until,
  type FakeCoordinator,
} from './fake-coordinator.fixture.js';
import { VIEWER_ID_STORAGE_KEY } from './viewer-id.js';

let server: FakeCoordinator;
let client: CoordinatorClient;
let events: { name: string; payload: unknown }[];

function record(target: CoordinatorClient): void {
  const names: (keyof CoordinatorEvents & string)[] = [
    'session',
    'points',
    'account-prompt',
    'vip',
    'receipts',
    'receipt-rejected',
    'receipts-dropped',
    'challenge',
    'error',
    'session-expired',
  ];
  for (const name of names) target.on(name, (payload) => events.push({ name, payload }));
}

function makeClient(options: Partial<CoordinatorOptions> = {}): CoordinatorClient {
  const created = new CoordinatorClient({
    url: server.url,
    streamId: 'demo',
    storage: null,
    rootWaitMs: 300,
    rootPollMs: 20,
    requestTimeoutMs: 300,
    retryBaseMs: 20,
    retryMaxMs: 100,
    destroyTimeoutMs: 500,
    ...options,
  });
  record(created);
  return created;
}

const named = (name: string) => events.filter((e) => e.name === name).map((e) => e.payload);
const bytes = (n: number) => Uint8Array.from({ length: 20_000 }, (_, i) => (i + n) & 255);

beforeEach(async () => {
  server = await startFakeCoordinator();
  events = [];
  client = makeClient();
});
afterEach(async () => {
  await client.destroy();
  await server.close();
});

describe('CoordinatorClient', () => {
  it('creates one session, stores the viewer id and reports it', async () => {
    const storage = memoryStorage();
    client = makeClient({ storage });
    const [a, b] = await Promise.all([client.start(), client.start()]);
    expect(a).toEqual({ sessionId: 's1', peerId: 'peer1', viewerId: 'viewer-1' });
    expect(b).toEqual(a);
    expect(server.count('POST', /^\/api\/sessions$/)).toBe(1);
    expect(storage.data.get(VIEWER_ID_STORAGE_KEY)).toBe('viewer-1');
    expect(named('session')).toEqual([a]);
    expect(client.getStats().session).toEqual(a);
  });

  it('needs a session for tokens and receipts', async () => {
    expect(() => client.trackerToken()).toThrow(/start\(\)/);
    await client.start();
    expect(await client.trackerToken()).toMatch(/^token-/);
  });

  it('refreshes the tracker token near expiry, on its injected clock', async () => {
    let now = 1_700_000_000_000;
    server.now = () => now;
    server.tokenTtlSeconds = 120;
    client = makeClient({ now: () => now, tokenRefreshMarginMs: 30_000 });
    await client.start();
    const first = await client.trackerToken();
    now += 95_000;
    expect(await client.trackerToken()).not.toBe(first);
  });

  it('verifies segments, signs receipts for them and uploads them', async () => {
    await client.start();
    const root = await server.addSegment('720p', 8, bytes(8));
    const check = await client.verifySegment('720p', 8, bytes(8));
    expect(check).toEqual({ status: 'ok', root });
    expect((await client.verifySegment('720p', 9, bytes(9))).status).toBe('unknown');
    server.rejectReceipt = (r) =>
      r.sequence === 9 ? { code: 'UNKNOWN_ROOT', message: '' } : undefined;
    expect(await client.receiptFor('peer-a', '720p', 8, root.root, root.byteLength)).toBe(true);
    await client.receiptFor('peer-a', '720p', 9, root.root, root.byteLength);
    const result = await client.flushReceipts();
    expect(result).toMatchObject({ credited: 1, rejected: 1 });
    expect(named('receipts')).toEqual([{ sent: 2, credited: 1, duplicates: 0, rejected: 1 }]);
    expect(named('receipt-rejected')).toMatchObject([
      { code: 'UNKNOWN_ROOT', receipt: { sequence: 9 } },
    ]);
    expect(client.getStats()).toMatchObject({
      roots: { ok: 1, unknown: 1 },
      receipts: { pending: 0, credited: 1, rejected: 1 },
    });
  });

  it('answers challenges and reports points with status events', async () => {
    client = makeClient({ challengePollMs: 30, heartbeatMs: 60_000, monotonicNow: () => 0 });
    const { sessionId } = await client.start();
    server.pointsFor = () => 150;
    await server.addSegment('720p', 3, bytes(3));
    server.addChallenge(sessionId, {
      streamId: 'demo',
      rendition: '720p',
      sequence: 3,
      leafIndex: 1,
    });
    client.startChallenges((rendition, sequence) => (sequence === 3 ? bytes(3) : undefined));
    await until(() => named('challenge').length === 1);
    expect(named('challenge')[0]).toMatchObject({ passed: true, sequence: 3 });
    client.startHeartbeats(() => true);
    await client.award('follow_streamer');
    expect(named('points')).toMatchObject([{ action: 'follow_streamer', awarded: 150 }]);
    expect(named('account-prompt')).toEqual([{ balance: 150 }]);
    expect(client.getStats().points).toMatchObject({ balance: 150, status: 'account_prompt' });
  });

  it('emits non-fatal errors while the coordinator is away', async () => {
    await client.start();
    server.failMode = '503';
    await client.verifySegment('720p', 1, bytes(1));
    expect(named('error')).toMatchObject([
      { code: 'COORDINATOR_UNAVAILABLE', fatal: false, details: { status: 503 } },
    ]);
  });

  it('reports an expired session once', async () => {
    const { sessionId } = await client.start();
    server.sessions.get(sessionId)!.ended = true;
    await client.receiptFor('peer-a', '720p', 1, 'cd'.repeat(32), 100);
    await client.flushReceipts();
    await expect(client.trackerToken()).resolves.toBeDefined(); // still valid, kept
    client.startChallenges(() => undefined);
    await until(() => named('error').length >= 2);
    expect(named('session-expired')).toEqual([{ sessionId, code: 'SESSION_EXPIRED' }]);
  });

  it('destroy() stops every timer, flushes receipts and ends the session', async () => {
    client = makeClient({ challengePollMs: 20, heartbeatMs: 20, receiptFlushMs: 60_000 });
    const { sessionId } = await client.start();
    client.startChallenges(() => undefined);
    client.startHeartbeats(() => true);
    await client.receiptFor('peer-a', '720p', 1, 'cd'.repeat(32), 100);
    await client.receiptFor('peer-a', '720p', 2, 'cd'.repeat(32), 100);
    await until(() => server.count('GET', /\/challenges$/) >= 2);
    expect(server.credited.size).toBe(0);
    const result = await client.destroy();
    expect(result).toEqual({ unsentReceipts: 0, sessionEnded: true });
    expect(server.credited.size).toBe(2);
    expect(server.sessions.get(sessionId)!.ended).toBe(true);
    const requests = server.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(server.requests.length).toBe(requests);
    expect(() => client.trackerToken()).toThrow(
      expect.objectContaining({ code: SdkErrorCode.Destroyed }),
    );
  });

  it('destroy() gives up within destroyTimeoutMs when the coordinator hangs', async () => {
    client = makeClient({ destroyTimeoutMs: 200, requestTimeoutMs: 10_000 });
    await client.start();
    await client.receiptFor('peer-a', '720p', 1, 'cd'.repeat(32), 100);
    server.failMode = 'hang';
    const started = performance.now();
    const result = await client.destroy();
    expect(result).toEqual({ unsentReceipts: 1, sessionEnded: false });
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
