import type { ReceiptBody, UsageReport } from '@streamrp2p/protocol';
import { expect, it } from 'vitest';
import { computeHours } from '../src/metrics/compute-minutes.js';
import { manualClock, startCoordinator, type Api } from './api.js';
import { describeWithDatabases, type TestDatabase } from './databases.js';
import {
  createSession,
  createStream,
  createStreamer,
  receiptBody,
  receiptFor,
  seedSegment,
  signBatch,
  type TestSession,
} from './fixtures.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const usage = (fields: Partial<UsageReport> = {}): UsageReport => ({
  seconds: 30,
  httpBytes: 1_000_000,
  httpSegments: 3,
  p2pBytes: 500_000,
  p2pSegments: 2,
  stalls: 1,
  ...fields,
});

/** Posts `receipts` (possibly none) signed by `receiver`, with `extra` fields on the body. */
async function post(
  api: Api,
  receiver: TestSession,
  receipts: ReceiptBody[],
  extra: Record<string, unknown> = {},
) {
  const body = { ...(await signBatch(receiver, receipts)), ...extra };
  return api.post('/api/receipts', body, { token: receiver.sessionSecret });
}

async function setup(t: TestDatabase) {
  // 10 s into a minute, so everything posted lands in one minute.
  const clock = manualClock(Math.floor(Date.now() / MINUTE) * MINUTE + 10_000);
  const started = await startCoordinator(t, { indexerEnabled: false, clock: clock.now });
  const streamer = await createStreamer(started.api);
  const stream = await createStream(started.api, streamer.apiKey);
  return { ...started, clock, streamer, stream };
}

describeWithDatabases('stream metrics', (t) => {
  it('accepts usage on a batch of zero receipts and refuses bad or oversized reports', async () => {
    const { api, stream, coordinator, clock } = await setup(t);
    const viewer = await createSession(api, stream.streamId);
    const ok = await post(api, viewer, [], { usage: usage() });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ credited: 0, rejected: 0 });
    for (const bad of [
      usage({ seconds: 0 }),
      usage({ seconds: 301 }),
      usage({ httpBytes: -1 }),
      usage({ httpBytes: 1.5 }),
      { ...usage(), extra: 1 },
      usage({ seconds: 10, httpBytes: 125_000_001 }),
      usage({ seconds: 1, p2pSegments: 11 }),
      usage({ seconds: 2, stalls: 3 }),
    ]) {
      const res = await post(api, viewer, [], { usage: bad });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error.code).toBe('INVALID_USAGE');
    }
    // A bad signature records nothing, even with a valid report.
    const forged = await signBatch(viewer, []);
    forged.signature = Buffer.alloc(64, 1).toString('base64url');
    const refused = await api.post(
      '/api/receipts',
      { ...forged, usage: usage() },
      { token: viewer.sessionSecret },
    );
    expect(refused.body.error.code).toBe('BAD_SIGNATURE');
    const rows = await coordinator.db
      .selectFrom('stream_metrics_minute')
      .selectAll()
      .where('stream_id', '=', stream.streamId)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      bucket_start: new Date(Math.floor(clock.now() / MINUTE) * MINUTE),
      cdn_bytes: 1_000_000,
      cdn_segments: 3,
      reported_p2p_bytes: 500_000,
      stalls: 1,
      usage_reports: 1,
    });
  });

  it('fills minute buckets from receipts, sessions and usage; stores deliveryMs', async () => {
    const { api, stream, coordinator, clock, streamer } = await setup(t);
    const minute = Math.floor(clock.now() / MINUTE) * MINUTE;
    const [a, b, receiver, idle] = await Promise.all(
      [1, 2, 3, 4].map(() => createSession(api, stream.streamId)),
    );
    const s1 = await seedSegment(coordinator.db, stream.streamId, 1, { byteLength: 40_000 });
    const s2 = await seedSegment(coordinator.db, stream.streamId, 2, { byteLength: 30_000 });
    const s3 = await seedSegment(coordinator.db, stream.streamId, 3, { byteLength: 20_000 });
    const receipts = [
      receiptBody({
        ...receiptFor(a!, s1, stream.streamId),
        timestamp: clock.now(),
        deliveryMs: 321,
      }),
      receiptBody({ ...receiptFor(a!, s2, stream.streamId), timestamp: clock.now() }),
      receiptBody({
        ...receiptFor(b!, s3, stream.streamId),
        timestamp: clock.now(),
        deliveryMs: 0,
      }),
    ];
    const res = await post(api, receiver!, receipts, { usage: usage({ httpBytes: 7_000 }) });
    expect(res.body.credited).toBe(3);
    await post(api, idle!, [], { usage: usage({ httpBytes: 3_000, stalls: 2 }) });
    const delivery = await coordinator.db
      .selectFrom('receipts')
      .select(['sequence', 'delivery_ms'])
      .where('stream_id', '=', stream.streamId)
      .orderBy('sequence')
      .execute();
    expect(delivery.map((r) => [Number(r.sequence), r.delivery_ms])).toEqual([
      [1, 321],
      [2, null],
      [3, 0],
    ]);

    clock.advance(2 * MINUTE);
    const run = await coordinator.rollUpMetrics();
    expect(run.computedUntil.getTime()).toBe(minute + 2 * MINUTE);
    const read = () =>
      coordinator.db
        .selectFrom('stream_metrics_minute')
        .selectAll()
        .where('stream_id', '=', stream.streamId)
        .executeTakeFirstOrThrow();
    const row = await read();
    expect(row).toMatchObject({
      bucket_start: new Date(minute),
      p2p_bytes: 90_000,
      supporters: 2,
      viewers: 4,
      cdn_bytes: 10_000,
      stalls: 3,
      usage_reports: 2,
    });
    // Recomputing the minute gives the same row.
    await coordinator.rollUpMetrics();
    expect(await read()).toEqual(row);

    const series = await api.get(
      `/api/streams/${stream.streamId}/metrics?from=${new Date(minute - HOUR).toISOString()}` +
        `&to=${new Date(minute + HOUR).toISOString()}&step=minute`,
      { token: streamer.apiKey },
    );
    expect(series.status).toBe(200);
    expect(series.body.points).toEqual([
      {
        at: new Date(minute).toISOString(),
        p2p_bytes: 90_000,
        cdn_bytes: 10_000,
        viewers: 4,
        supporters: 2,
        stalls: 3,
      },
    ]);
    // The job wrote the minute's hour too.
    const hour = await api.get(
      `/api/streams/${stream.streamId}/metrics?from=${new Date(minute - DAY).toISOString()}` +
        `&to=${new Date(minute + HOUR).toISOString()}&step=hour`,
      { token: streamer.apiKey },
    );
    expect(hour.body.points).toEqual([
      { ...series.body.points[0], at: new Date(Math.floor(minute / HOUR) * HOUR).toISOString() },
    ]);
  });

  it('rolls old minutes into hours once, keeping totals; day steps sum the hours', async () => {
    const { api, stream, coordinator, clock, streamer } = await setup(t);
    const old = Math.floor((clock.now() - 40 * DAY) / DAY) * DAY;
    const recent = Math.floor((clock.now() - 3 * DAY) / HOUR) * HOUR;
    const minutes = [
      ...Array.from({ length: 120 }, (_, i) => old + i * MINUTE),
      ...Array.from({ length: 10 }, (_, i) => recent + i * MINUTE),
    ];
    await coordinator.db
      .insertInto('stream_metrics_minute')
      .values(
        minutes.map((at, i) => ({
          stream_id: stream.streamId,
          bucket_start: new Date(at),
          p2p_bytes: 1000 + i,
          cdn_bytes: 10 * i,
          viewers: i % 7,
          supporters: i % 5,
          stalls: 1,
        })),
      )
      .execute();
    // The job writes the hours of the minutes it computes; these were inserted behind it.
    await computeHours(coordinator.db, new Date(recent), new Date(recent + HOUR));
    const first = await coordinator.rollUpMetrics();
    expect(first.rolledUp).toBeGreaterThanOrEqual(120);
    expect((await coordinator.rollUpMetrics()).rolledUp).toBe(0);
    const hours = await coordinator.db
      .selectFrom('stream_metrics_hour')
      .selectAll()
      .where('stream_id', '=', stream.streamId)
      .where('bucket_start', '<', new Date(old + DAY))
      .orderBy('bucket_start')
      .execute();
    const sum = (from: number, to: number, f: (i: number) => number) =>
      Array.from({ length: to - from }, (_, k) => f(from + k)).reduce((x, y) => x + y, 0);
    expect(
      hours.map((h) => [
        h.bucket_start.getTime(),
        h.p2p_bytes,
        h.cdn_bytes,
        h.viewers,
        h.supporters,
        h.stalls,
      ]),
    ).toEqual([
      [old, sum(0, 60, (i) => 1000 + i), sum(0, 60, (i) => 10 * i), 6, 4, 60],
      [old + HOUR, sum(60, 120, (i) => 1000 + i), sum(60, 120, (i) => 10 * i), 6, 4, 60],
    ]);
    const left = await coordinator.db
      .selectFrom('stream_metrics_minute')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('stream_id', '=', stream.streamId)
      .executeTakeFirstOrThrow();
    expect(Number(left.n)).toBe(10);

    const url = (step: string, from: number, to: number) =>
      `/api/streams/${stream.streamId}/metrics?from=${new Date(from).toISOString()}` +
      `&to=${new Date(to).toISOString()}&step=${step}`;
    const days = await api.get(url('day', old - DAY, clock.now()), { token: streamer.apiKey });
    expect(days.status).toBe(200);
    expect(
      days.body.points.map((p: { at: string; p2p_bytes: number }) => [p.at, p.p2p_bytes]),
    ).toEqual([
      [new Date(old).toISOString(), sum(0, 120, (i) => 1000 + i)],
      [new Date(Math.floor(recent / DAY) * DAY).toISOString(), sum(120, 130, (i) => 1000 + i)],
    ]);
    const total = days.body.points.reduce(
      (n: number, p: { p2p_bytes: number }) => n + p.p2p_bytes,
      0,
    );
    expect(total).toBe(sum(0, 130, (i) => 1000 + i));
    const hourly = await api.get(url('hour', old, old + DAY), { token: streamer.apiKey });
    expect(hourly.body.points).toHaveLength(2);
    expect(hourly.body.points[0]).toMatchObject({ viewers: 6, supporters: 4, stalls: 60 });
  });

  it('answers the owner only, and refuses ranges of too many points', async () => {
    const { api, stream, streamer } = await setup(t);
    const other = await createStreamer(api);
    const from = new Date(Date.now() - DAY).toISOString();
    const to = new Date().toISOString();
    const path = `/api/streams/${stream.streamId}/metrics?from=${from}&to=${to}&step=minute`;
    expect((await api.get(path)).status).toBe(401);
    const foreign = await api.get(path, { token: other.apiKey });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('FORBIDDEN');
    const tooMany = await api.get(
      `/api/streams/${stream.streamId}/metrics?from=${new Date(Date.now() - 8 * DAY).toISOString()}&to=${to}&step=minute`,
      { token: streamer.apiKey },
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.code).toBe('TOO_MANY_POINTS');
    const backwards = await api.get(
      `/api/streams/${stream.streamId}/metrics?from=${to}&to=${from}&step=hour`,
      { token: streamer.apiKey },
    );
    expect(backwards.body.error.code).toBe('VALIDATION_ERROR');
    const badStep = await api.get(`${path.replace('step=minute', 'step=week')}`, {
      token: streamer.apiKey,
    });
    expect(badStep.status).toBe(400);
  });
});
