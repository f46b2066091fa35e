import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { costSavedMicros } from '../src/analytics/analytics-routes.js';
import { publicPseudonym, viewerKey } from '../src/privacy/pseudonyms.js';
import { manualClock, startCoordinator } from './api.js';
import { describeWithDatabases, type TestDatabase } from './databases.js';
import {
  createSession,
  createStream,
  createStreamer,
  receiptBody,
  receiptFor,
  seedSegment,
  signBatch,
} from './fixtures.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A streamer with two streams; supporters A (70 kB served) and B (20 kB) on the first. */
async function dataset(t: TestDatabase) {
  const clock = manualClock(Math.floor(Date.now() / MINUTE) * MINUTE + 5_000);
  const { api, coordinator } = await startCoordinator(t, {
    indexerEnabled: false,
    clock: clock.now,
  });
  const db = coordinator.db;
  const streamer = await createStreamer(api);
  const stream = await createStream(api, streamer.apiKey);
  const quiet = await createStream(api, streamer.apiKey);
  const start = clock.now();
  const periodId = randomUUID();
  const payoutId = randomUUID();
  const [a, b, receiver] = await Promise.all(
    [1, 2, 3].map(() => createSession(api, stream.streamId)),
  );
  const segments = await Promise.all(
    [40_000, 30_000, 20_000].map((byteLength, i) =>
      seedSegment(db, stream.streamId, i + 1, { byteLength }),
    ),
  );
  const receipts = [a!, a!, b!].map((uploader, i) =>
    receiptBody({ ...receiptFor(uploader, segments[i]!, stream.streamId), timestamp: start }),
  );
  const usage = {
    seconds: 30,
    httpBytes: 30_000,
    httpSegments: 1,
    p2pBytes: 90_000,
    p2pSegments: 3,
  };
  const body = { ...(await signBatch(receiver!, receipts)), usage };
  const posted = await api.post('/api/receipts', body, { token: receiver!.sessionSecret });
  expect(posted.body.credited).toBe(3);
  // A is seen a minute later (an empty batch touches its session): 60 s of uptime.
  clock.advance(MINUTE);
  const touch = await api.post('/api/receipts', await signBatch(a!, []), {
    token: a!.sessionSecret,
  });
  expect(touch.status).toBe(200);
  clock.advance(MINUTE);
  await coordinator.rollUpMetrics();

  await db
    .insertInto('point_balances')
    .values({ viewer_id: a!.viewerId, balance: 120, updated_at: new Date(start) })
    .execute();
  await db
    .insertInto('periods')
    .values({
      id: periodId,
      stream_id: stream.streamId,
      streamer_id: streamer.streamerId,
      starts_at: new Date(start - HOUR),
      ends_at: new Date(start),
      closed_at: new Date(start),
      currency: 'usd',
      revenue_micros: 10_000_000,
      platform_fee_micros: 1_000_000,
      cdn_saved_micros: 4,
      rebate_micros: 0,
      pool_formula_micros: 2_000_000,
      pool_micros: 1_500_000,
      streamer_micros: 7_500_000,
      p2p_bytes: 90_000,
      payable_chunks: 10,
      supporters: 2,
      policy: '{}',
    })
    .execute();
  await db
    .insertInto('payouts')
    .values({
      id: payoutId,
      payee_kind: 'streamer',
      payee_id: streamer.streamerId,
      account: `streamer:${streamer.streamerId}`,
      provider: 'file',
      destination: 'bank',
      amount_micros: 7_500_000,
      currency: 'usd',
      status: 'paid',
      idempotency_key: payoutId,
      created_at: new Date(start),
      updated_at: new Date(start),
    })
    .execute();
  const range = (extra = '') =>
    `/api/streamers/${streamer.streamerId}/supporter-analytics?from=` +
    `${new Date(start - HOUR).toISOString()}&to=${new Date(start + HOUR).toISOString()}${extra}`;
  const { value: salt } = await db
    .selectFrom('privacy_settings')
    .select('value')
    .executeTakeFirstOrThrow();
  return { api, streamer, stream, quiet, a: a!, b: b!, start, range, periodId, payoutId, salt };
}

describeWithDatabases('supporter analytics', (t) => {
  it('answers the numbers of a hand-built dataset', async () => {
    const { api, streamer, stream, a, b, start, range, periodId, payoutId, salt } =
      await dataset(t);
    const res = await api.get(range('&step=hour'), { token: streamer.apiKey });
    expect(res.status).toBe(200);
    const minuteStart = Math.floor(start / MINUTE) * MINUTE;
    expect(res.body).toEqual({
      streamer_id: streamer.streamerId,
      from: new Date(start - HOUR).toISOString(),
      to: new Date(start + HOUR).toISOString(),
      currency: 'usd',
      current_supporters: 2,
      total_bandwidth_saved: 90_000,
      // 90,000 bytes x 50,000 micro-units per GB / 1e9 = 4.5, floored.
      estimated_cost_savings: 4,
      p2p_vs_cdn_ratio: 0.75,
      top_supporters: [
        {
          name: publicPseudonym(salt, a.viewerId),
          viewer_key: viewerKey(salt, a.viewerId),
          data_served: 70_000,
          uptime: 60,
          loyalty_points: 120,
        },
        {
          name: publicPseudonym(salt, b.viewerId),
          viewer_key: viewerKey(salt, b.viewerId),
          data_served: 20_000,
          uptime: 0,
          loyalty_points: 0,
        },
      ],
      time_series: [
        {
          at: new Date(Math.floor(minuteStart / HOUR) * HOUR).toISOString(),
          p2p_bytes: 90_000,
          cdn_bytes: 30_000,
          viewers: 3,
          supporters: 2,
          stalls: 0,
        },
      ],
      periods: [
        {
          id: periodId,
          stream_id: stream.streamId,
          starts_at: new Date(start - HOUR).toISOString(),
          ends_at: new Date(start).toISOString(),
          revenue: 10_000_000,
          platform_fee: 1_000_000,
          supporter_pool: 1_500_000,
          streamer_share: 7_500_000,
          cdn_saved: 4,
          supporters: 2,
        },
      ],
      payouts: [
        {
          id: payoutId,
          amount: 7_500_000,
          currency: 'usd',
          status: 'paid',
          provider: 'file',
          created_at: new Date(start).toISOString(),
        },
      ],
    });
  });

  it('narrows to one stream, and answers its owner only', async () => {
    const { api, streamer, quiet, range } = await dataset(t);
    const one = await api.get(range(`&streamId=${quiet.streamId}`), { token: streamer.apiKey });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      current_supporters: 0,
      total_bandwidth_saved: 0,
      estimated_cost_savings: 0,
      p2p_vs_cdn_ratio: null,
      top_supporters: [],
      time_series: [],
      periods: [],
    });
    const other = await createStreamer(api);
    expect((await api.get(range())).status).toBe(401);
    const foreign = await api.get(range(), { token: other.apiKey });
    expect(foreign.status).toBe(403);
    const notTheirs = await api.get(
      `/api/streamers/${other.streamerId}/supporter-analytics?from=2026-01-01T00:00:00Z` +
        `&to=2026-01-02T00:00:00Z&streamId=${quiet.streamId}`,
      { token: other.apiKey },
    );
    expect(notTheirs.status).toBe(403);
    const tooMany = await api.get(
      `/api/streamers/${streamer.streamerId}/supporter-analytics?from=2020-01-01T00:00:00Z` +
        '&to=2026-01-01T00:00:00Z&step=minute',
      { token: streamer.apiKey },
    );
    expect(tooMany.body.error.code).toBe('TOO_MANY_POINTS');
  });
});

it('computes cost savings in integers beyond 2^53', () => {
  expect(costSavedMicros(0, 50_000)).toBe(0);
  expect(costSavedMicros(999_999_999, 1)).toBe(0);
  expect(costSavedMicros(2 ** 52, 1_000_000_000)).toBe(2 ** 52);
  expect(costSavedMicros(1e15, 50_000)).toBe(50_000_000_000);
});
