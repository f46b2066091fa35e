import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SdkError } from '../errors.js';
import { ApiClient } from './api-client.js';
import type { PointsEvent } from './events.js';
import { startFakeCoordinator, until, type FakeCoordinator } from './fake-coordinator.fixture.js';
import { WatchHeartbeat, type WatchHeartbeatOptions } from './points.js';
import { Session } from './session.js';

let server: FakeCoordinator;
let api: ApiClient;
let session: Session;
let mono: number;
let playing: boolean;
let points: PointsEvent[];
let statuses: [string, number][];
let errors: SdkError[];
let heartbeat: WatchHeartbeat;

function makeHeartbeat(overrides: Partial<WatchHeartbeatOptions> = {}): WatchHeartbeat {
  return new WatchHeartbeat(api, {
    streamId: 'demo',
    viewerId: session.viewerId,
    secret: session.secret,
    heartbeatMs: 60_000,
    sampleMs: 60_000,
    now: () => 1_700_000_000_000,
    monotonicNow: () => mono,
    emit: (event, payload) => {
      if (event === 'points') points.push(payload as PointsEvent);
      else statuses.push([event, (payload as { balance: number }).balance]);
    },
    onError: (error) => errors.push(error),
    ...overrides,
  });
}

/** Moves the monotonic clock and lets the heartbeat sample, as its timer would. */
function advance(ms: number): void {
  mono += ms;
  heartbeat.sample();
}

beforeEach(async () => {
  server = await startFakeCoordinator();
  server.pointsFor = (body) => (body.action === 'watch_time' ? Number(body.duration_seconds) : 50);
  api = new ApiClient({ baseUrl: server.url, timeoutMs: 500 });
  session = await Session.create(api, {
    streamId: 'demo',
    viewerId: 'viewer-7',
    storage: undefined,
    now: () => Date.now(),
    tokenRefreshMarginMs: 0,
  });
  mono = 1000;
  playing = true;
  points = [];
  statuses = [];
  errors = [];
  heartbeat = makeHeartbeat();
});
afterEach(async () => {
  heartbeat.stop();
  api.close();
  await server.close();
});

describe('WatchHeartbeat', () => {
  it('counts only the time spent playing', async () => {
    heartbeat.start(() => playing);
    advance(30_000);
    playing = false;
    advance(0);
    advance(100_000); // paused: not counted
    playing = true;
    advance(0);
    advance(15_000);
    const response = await heartbeat.heartbeat();
    expect(response).toMatchObject({ awarded: 45, balance: 45, status: 'none' });
    expect(server.pointsRequests).toEqual([
      {
        viewer_id: 'viewer-7',
        stream_id: 'demo',
        action: 'watch_time',
        duration_seconds: 45,
        timestamp: 1_700_000_000_000,
      },
    ]);
    expect(server.requests.at(-1)!.auth).toBe(session.secret);
    expect(points).toEqual([
      { action: 'watch_time', awarded: 45, balance: 45, multiplier: 1, status: 'none' },
    ]);
  });

  it('sends nothing while nothing was watched', async () => {
    heartbeat.start(() => false);
    advance(120_000);
    expect(await heartbeat.heartbeat()).toBeUndefined();
    expect(server.pointsRequests).toEqual([]);
  });

  it('carries unsent seconds over a failed heartbeat, and keeps fractions', async () => {
    heartbeat.start(() => playing);
    advance(45_000);
    server.failMode = '503';
    expect(await heartbeat.heartbeat()).toBeUndefined();
    expect(heartbeat.unsentSeconds).toBe(45);
    expect(errors).toHaveLength(1);
    server.failMode = 'ok';
    advance(20_500);
    await heartbeat.heartbeat();
    expect(server.pointsRequests.map((b) => b.duration_seconds)).toEqual([65]);
    expect(heartbeat.unsentSeconds).toBeCloseTo(0.5);
    advance(600);
    await heartbeat.heartbeat();
    expect(server.pointsRequests.map((b) => b.duration_seconds)).toEqual([65, 1]);
    expect(heartbeat.stats.sentSeconds).toBe(66);
  });

  it('claims at most an hour per heartbeat', async () => {
    heartbeat.start(() => playing);
    advance(5000 * 1000);
    await heartbeat.heartbeat();
    await heartbeat.heartbeat();
    expect(server.pointsRequests.map((b) => b.duration_seconds)).toEqual([3600, 1400]);
  });

  it('emits the account prompt at 100 and VIP at 1000, once each', async () => {
    heartbeat.start(() => playing);
    for (const seconds of [60, 60, 60, 900, 10]) {
      advance(seconds * 1000);
      await heartbeat.heartbeat();
    }
    expect(points.map((p) => p.balance)).toEqual([60, 120, 180, 1080, 1090]);
    expect(statuses).toEqual([
      ['account-prompt', 120],
      ['vip', 1080],
    ]);
  });

  it('emits only VIP when the balance jumps past both thresholds', async () => {
    server.balances.set('viewer-7', 2000);
    heartbeat.start(() => playing);
    advance(60_000);
    await heartbeat.heartbeat();
    expect(statuses).toEqual([['vip', 2060]]);
  });

  it('sends heartbeats on its own every heartbeatMs', async () => {
    heartbeat = makeHeartbeat({ heartbeatMs: 100, sampleMs: 10 });
    heartbeat.start(() => playing);
    mono += 7000;
    await until(() => server.pointsRequests.length === 1);
    expect(server.pointsRequests[0]!.duration_seconds).toBe(7);
    heartbeat.stop();
    mono += 7000;
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(server.pointsRequests).toHaveLength(1);
  });

  it('awards page actions and rejects when the coordinator refuses', async () => {
    const response = await heartbeat.award('share_stream');
    expect(response).toMatchObject({ awarded: 50, balance: 50 });
    expect(server.pointsRequests[0]).toEqual({
      viewer_id: 'viewer-7',
      stream_id: 'demo',
      action: 'share_stream',
      timestamp: 1_700_000_000_000,
    });
    expect(points[0]).toMatchObject({ action: 'share_stream', awarded: 50 });
    const stranger = makeHeartbeat({ viewerId: 'someone-else' });
    await expect(stranger.award('chat_message')).rejects.toMatchObject({
      code: 'COORDINATOR_REJECTED',
      details: { status: 401 },
    });
  });
});
