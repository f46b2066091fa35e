/**
 * Watch-time heartbeats and page actions against the real coordinator (PGlite, port 0), behind
 * the fault proxy, on a wall clock the test moves together with the heartbeat's monotonic clock:
 * the coordinator accepts watch time only up to its wall clock and pays whole minutes, so what
 * it credits is what the SDK measured and sent.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SdkError } from '../src/errors.js';
import { ApiClient } from '../src/coordinator/api-client.js';
import type { PointsEvent } from '../src/coordinator/events.js';
import { WatchHeartbeat, type WatchHeartbeatOptions } from '../src/coordinator/points.js';
import { Session } from '../src/coordinator/session.js';
import { until } from './engine-events.js';
import { startRealCoordinator, type RealCoordinator } from './real-coordinator.js';

let clock = Date.now();
let real: RealCoordinator;
let api: ApiClient;
let session: Session;
let mono: number;
let playing: boolean;
let points: PointsEvent[];
let statuses: [string, number][];
let errors: SdkError[];
let heartbeat: WatchHeartbeat;

beforeAll(async () => {
  real = await startRealCoordinator({
    config: {
      clock: () => clock,
      // The clock jumps by hours: sessions must stay live meanwhile.
      sessionTtlSeconds: 86_400 * 30,
      // Viewers come through the proxy from another address than the streamer's (points never
      // pay a stream's owner); one viewer is audience enough, and any watch time counts.
      trustProxy: 'loopback',
      pointsMinAudience: 0,
      pointsMinWatchSeconds: 0,
    },
  });
  real.proxy.forwardedFor = '198.51.100.7';
});
afterAll(() => real?.close());
beforeEach(async () => {
  real.proxy.reset();
  // Generous: no test here waits for a timeout, and a loaded machine answers slowly.
  api = new ApiClient({ baseUrl: real.proxy.url, timeoutMs: 10_000 });
  // A new viewer each test: its balance starts at 0.
  session = await Session.create(api, {
    streamId: real.streamId,
    viewerId: undefined,
    storage: undefined,
    now: () => clock,
    tokenRefreshMarginMs: 0,
  });
  mono = 1000;
  playing = true;
  points = [];
  statuses = [];
  errors = [];
  heartbeat = makeHeartbeat();
});
afterEach(() => {
  heartbeat.stop();
  api.close();
});

function makeHeartbeat(overrides: Partial<WatchHeartbeatOptions> = {}): WatchHeartbeat {
  return new WatchHeartbeat(api, {
    streamId: real.streamId,
    viewerId: session.viewerId,
    secret: session.secret,
    heartbeatMs: 60_000,
    sampleMs: 60_000,
    now: () => clock,
    monotonicNow: () => mono,
    emit: (event, payload) => {
      if (event === 'points') points.push(payload as PointsEvent);
      else statuses.push([event, (payload as { balance: number }).balance]);
    },
    onError: (error) => errors.push(error),
    ...overrides,
  });
}

/** Moves both clocks and lets the heartbeat sample, as its timer would. */
function advance(ms: number): void {
  mono += ms;
  clock += ms;
  heartbeat.sample();
}

/** The bodies of the points requests the coordinator got. */
const sent = () =>
  real.proxy.requests
    .filter((r) => r.path === '/api/viewers/points' && r.mode === 'pass')
    .map((r) => r.body as Record<string, unknown>);

/** Watch time the coordinator accepted from the session, ms. */
async function acceptedMs(): Promise<number> {
  const row = await real.coordinator.db
    .selectFrom('sessions')
    .select('watch_ms')
    .where('id', '=', session.sessionId)
    .executeTakeFirstOrThrow();
  return Number(row.watch_ms);
}

describe('WatchHeartbeat', () => {
  it('counts only the time spent playing', async () => {
    heartbeat.start(() => playing);
    advance(90_000);
    playing = false;
    advance(0);
    advance(200_000); // paused: not counted
    playing = true;
    advance(0);
    advance(45_000);
    const response = await heartbeat.heartbeat();
    // 135 s: two whole minutes pay, the rest is kept for the viewer's next minute.
    expect(response).toMatchObject({ awarded: 2, balance: 2, status: 'none' });
    expect(sent()).toEqual([
      {
        viewer_id: session.viewerId,
        stream_id: real.streamId,
        action: 'watch_time',
        duration_seconds: 135,
        timestamp: clock,
      },
    ]);
    expect(await acceptedMs()).toBe(135_000);
    expect(real.proxy.requests.at(-1)!.auth).toBe(session.secret);
    expect(points).toEqual([
      { action: 'watch_time', awarded: 2, balance: 2, multiplier: 1, status: 'none' },
    ]);
  });

  it('sends nothing while nothing was watched', async () => {
    heartbeat.start(() => false);
    advance(120_000);
    expect(await heartbeat.heartbeat()).toBeUndefined();
    expect(sent()).toEqual([]);
    expect(await acceptedMs()).toBe(0);
  });

  it('carries unsent seconds over a failed heartbeat, and keeps fractions', async () => {
    heartbeat.start(() => playing);
    advance(45_000);
    real.proxy.mode = '503';
    expect(await heartbeat.heartbeat()).toBeUndefined();
    expect(heartbeat.unsentSeconds).toBe(45);
    expect(errors).toHaveLength(1);
    real.proxy.mode = 'pass';
    advance(20_500);
    expect(await heartbeat.heartbeat()).toMatchObject({ awarded: 1 });
    expect(heartbeat.unsentSeconds).toBeCloseTo(0.5);
    advance(600);
    await heartbeat.heartbeat();
    expect(sent().map((b) => b.duration_seconds)).toEqual([65, 1]);
    expect(await acceptedMs()).toBe(66_000);
    expect(heartbeat.stats.sentSeconds).toBe(66);
  });

  it('claims at most an hour per heartbeat, which the coordinator accepts', async () => {
    heartbeat.start(() => playing);
    advance(5000 * 1000);
    expect(await heartbeat.heartbeat()).toMatchObject({ awarded: 60, balance: 60 });
    expect(await heartbeat.heartbeat()).toMatchObject({ awarded: 23, balance: 83 });
    expect(sent().map((b) => b.duration_seconds)).toEqual([3600, 1400]);
    expect(errors).toEqual([]);
    expect(await acceptedMs()).toBe(5_000_000);
  });

  it('emits the account prompt at 100 and VIP at 1000, once each', async () => {
    heartbeat.start(() => playing);
    for (let hour = 1; hour <= 18; hour++) {
      advance(3_600_000);
      await heartbeat.heartbeat();
    }
    expect(points.map((p) => p.balance)).toEqual(Array.from({ length: 18 }, (_, i) => 60 * i + 60));
    expect(points.at(-1)).toMatchObject({ status: 'vip' });
    expect(statuses).toEqual([
      ['account-prompt', 120],
      ['vip', 1020],
    ]);
  });

  it('emits only VIP when the balance jumps past both thresholds', async () => {
    // Earned before this page loaded: the heartbeat has seen neither threshold.
    await real.coordinator.db
      .insertInto('point_balances')
      .values({ viewer_id: session.viewerId, balance: 950, updated_at: new Date(clock) })
      .execute();
    heartbeat.start(() => playing);
    advance(3_600_000);
    await heartbeat.heartbeat();
    expect(statuses).toEqual([['vip', 1010]]);
    expect(heartbeat).toMatchObject({ balance: 1010, status: 'vip' });
  });

  it('sends heartbeats on its own every heartbeatMs, and none once stopped', async () => {
    heartbeat = makeHeartbeat({ heartbeatMs: 100, sampleMs: 10 });
    heartbeat.start(() => playing);
    mono += 7000;
    clock += 7000;
    await until(() => heartbeat.stats.sentSeconds === 7, 'the first heartbeat');
    expect(sent()[0]!.duration_seconds).toBe(7);
    heartbeat.stop();
    mono += 7000;
    clock += 7000;
    // Another heartbeat on the same schedule: once it has sent twice, the stopped one would have.
    const control = makeHeartbeat({ heartbeatMs: 100, sampleMs: 10 });
    control.start(() => playing);
    for (const n of [1, 2]) {
      mono += 2000;
      clock += 2000;
      // Answered, not only sent: its request is in the proxy's log.
      await until(() => control.stats.sentSeconds === 2 * n, `heartbeat ${n} of the control`);
    }
    control.stop();
    expect(heartbeat.stats.heartbeats).toBe(1);
    expect(sent()).toHaveLength(3);
  });

  it('awards page actions, reports what paid nothing, and rejects when refused', async () => {
    const response = await heartbeat.award('follow_streamer');
    expect(response).toMatchObject({ awarded: 25, balance: 25 });
    expect(sent()).toEqual([
      {
        viewer_id: session.viewerId,
        stream_id: real.streamId,
        action: 'follow_streamer',
        timestamp: clock,
      },
    ]);
    // A second follow of the same streamer pays nothing: answered, not an error.
    expect(await heartbeat.award('follow_streamer')).toMatchObject({ awarded: 0, balance: 25 });
    expect(points).toMatchObject([
      { action: 'follow_streamer', awarded: 25, balance: 25 },
      { action: 'follow_streamer', awarded: 0, balance: 25 },
    ]);
    const stranger = makeHeartbeat({ viewerId: 'someone-else' });
    await expect(stranger.award('chat_message')).rejects.toMatchObject({
      code: 'COORDINATOR_REJECTED',
      details: { status: 403, serverCode: 'FORBIDDEN' },
    });
    expect(errors).toEqual([]);
  });
});
