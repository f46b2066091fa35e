/**
 * Period close against the real coordinator and database: every figure of a hand-checked period
 * and its ledger transaction; closing twice, also concurrently, writes one period; held credit
 * lands in a later period exactly once after release, a young supporter's credit waits until it
 * is payable, voided credit never settles; the ledger balances after all of it.
 */
import { expect, it } from 'vitest';
import type { CoordinatorOptions } from '../src/index.js';
import { ledgerImbalance } from '../src/ledger/ledger.js';
import { chunksOf } from '../src/economics/policy.js';
import { viewerKey } from '../src/privacy/pseudonyms.js';
import { manualClock, startCoordinator, type Json } from './api.js';
import { describeWithDatabases, type TestDatabase } from './databases.js';
import {
  ADMIN_KEY,
  HOUR,
  insertHold,
  insertReceipts,
  insertReceivers,
  insertSupporter,
  MINUTE,
  DAY,
  seedTwoSupporters,
  TEST_MICROS_PER_KILO_CHUNK,
} from './economics-setup.js';
import { createStream, createStreamer } from './fixtures.js';

/** The lines of `viewerIds` (each must have one), by viewer id, from their pseudonymous keys. */
async function linesById(
  db: TestDatabase['database']['db'],
  lines: Array<{ viewerKey: string }>,
  viewerIds: string[],
): Promise<Record<string, Json>> {
  const { value: salt } = await db
    .selectFrom('privacy_settings')
    .select('value')
    .executeTakeFirstOrThrow();
  return Object.fromEntries(
    viewerIds.map((id) => {
      const line = lines.find((l) => l.viewerKey === viewerKey(salt, id));
      expect(line, `a line of ${id}`).toBeDefined();
      return [id, line];
    }),
  );
}

/** Mid-month, so no period crosses a UTC month. */
const T0 = Date.UTC(2026, 10, 10, 12, 0, 0);
const at = (ms: number) => new Date(T0 + ms);

describeWithDatabases('period close', (t: TestDatabase) => {
  async function setup(options: CoordinatorOptions = {}) {
    const clock = manualClock(T0);
    const started = await startCoordinator(t, {
      clock: clock.now,
      indexerEnabled: false,
      adminApiKey: ADMIN_KEY,
      earningsMicrosPerKiloChunk: TEST_MICROS_PER_KILO_CHUNK,
      ...options,
    });
    const streamer = await createStreamer(started.api);
    const stream = await createStream(started.api, streamer.apiKey);
    const db = t.database.db;
    const auth = { token: streamer.apiKey };
    const close = (endsAt: Date, token = streamer.apiKey) =>
      started.api.post(
        `/api/streams/${stream.streamId}/periods`,
        { endsAt: endsAt.toISOString() },
        { token },
      );
    return { ...started, clock, db, streamer, streamId: stream.streamId, auth, close };
  }

  const entriesOf = async (db: TestDatabase['database']['db'], key: string) => {
    const rows = await db
      .selectFrom('ledger_entries as e')
      .innerJoin('ledger_transactions as t', 't.id', 'e.transaction_id')
      .select(['e.account', 'e.amount_micros'])
      .where('t.idempotency_key', '=', key)
      .execute();
    return Object.fromEntries(rows.map((r) => [r.account, Number(r.amount_micros)]));
  };

  it('closes a period with every figure and ledger entry as computed by hand', async () => {
    const { api, clock, db, streamer, streamId, auth, close } = await setup();
    const { a, b } = await seedTwoSupporters(db, streamId, at(0), at(5 * MINUTE));
    clock.advance(HOUR);
    const tip = await api.post(
      `/api/streams/${streamId}/revenue`,
      {
        kind: 'tip',
        amountMicros: 1_000_000,
        currency: 'usd',
        occurredAt: at(10 * MINUTE).toISOString(),
      },
      auth,
    );
    expect(tip.status, JSON.stringify(tip.body)).toBe(201);

    const res = await close(at(30 * MINUTE));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const period = res.body;
    // p2p = 10 x 1,638,400 + 5 x 1,638,401; chunks = 10 x 100 + 5 x 101 (chunksOf per receipt).
    expect(chunksOf(1_638_401)).toBe(101);
    expect(period).toMatchObject({
      streamId,
      streamerId: streamer.streamerId,
      startsAt: at(0).toISOString(),
      endsAt: at(30 * MINUTE).toISOString(),
      closedAt: at(HOUR).toISOString(),
      currency: 'usd',
      revenueMicros: 1_000_000,
      platformFeeMicros: 150_000, // 15 %
      p2pBytes: 24_576_005,
      cdnSavedMicros: 1228, // floor(24,576,005 / 1e9 x 50,000)
      rebateMicros: 614, // half of it
      poolFormulaMicros: 170_614, // 20 % of 850,000 + 614
      poolMicros: 170_614, // the supporters earned more than the formula
      streamerMicros: 679_386, // 850,000 - 170,614
      payableChunks: 1505,
      supporters: 2,
    });
    expect(period.policy).toMatchObject({ platformFeeBps: 1500, supporterPoolBps: 2000 });

    const detail = await api.get(`/api/streams/${streamId}/periods/${period.periodId}`, auth);
    expect(detail.status).toBe(200);
    // Lines name supporters by pseudonym (decision 46): found by the key of each viewer id.
    const lines = await linesById(db, detail.body.supporterLines, [a.viewerId, b.viewerId]);
    // Reputation: age 1 x (0.3 uptime 1 + 0.25 latency 1 + 0.25 success 0.995 + 0.2 diversity 1).
    for (const id of [a.viewerId, b.viewerId]) {
      expect(lines[id].reputation).toBeCloseTo(0.99875, 3);
      expect(lines[id].reputationParts).toMatchObject({
        uptime: 1,
        latency: 1,
        success: 0.995,
        diversity: 1,
        age: 1,
      });
      expect(lines[id].uptimeBonus).toBeCloseTo(0.2, 9);
      expect(lines[id].qosMultiplier).toBeCloseTo(0.99875, 9); // 0.5 + 0.5 x (1 + 0.995) / 2
      // A 100-day-old account: the mature cap (100 units) x reputation.
      expect(lines[id].capMicros).toBe(Math.round(lines[id].reputation * 1e6) * 100);
    }
    // earnings = floor(base x 1.2 x 0.99875); pool 170,614 shared 1,198,500 : 605,242 by the
    // largest remainder (A's floor 113,364 gets the one unit left).
    expect(lines[a.viewerId]).toMatchObject({
      bytes: 16_384_000,
      chunks: 1000,
      receipts: 10,
      baseMicros: 1_000_000,
      earningsMicros: 1_198_500,
      amountMicros: 113_365,
    });
    expect(lines[b.viewerId]).toMatchObject({
      bytes: 8_192_005,
      chunks: 505,
      receipts: 5,
      baseMicros: 505_000,
      earningsMicros: 605_242,
      amountMicros: 57_249,
    });

    expect(await entriesOf(db, `period:${period.periodId}`)).toEqual({
      [`revenue:${streamId}`]: 1_000_000,
      'platform:fees': -150_000,
      [`streamer:${streamer.streamerId}`]: -679_386,
      [`supporter:${a.viewerId}`]: -113_365,
      [`supporter:${b.viewerId}`]: -57_249,
    });
    expect(await entriesOf(db, `revenue:${tip.body.eventId}`)).toEqual({
      cash: 1_000_000,
      [`revenue:${streamId}`]: -1_000_000,
    });
    // Both supporters' sessions are settled through the period's end.
    const marks = await db
      .selectFrom('settlement_marks')
      .select(['viewer_id', 'settled_through', 'period_id'])
      .where('stream_id', '=', streamId)
      .execute();
    expect(new Set(marks.map((m) => m.viewer_id))).toEqual(new Set([a.viewerId, b.viewerId]));
    for (const m of marks) {
      expect(new Date(m.settled_through).toISOString()).toBe(period.endsAt);
      expect(m.period_id).toBe(period.periodId);
    }
    const events = await api.get(`/api/streams/${streamId}/revenue`, auth);
    expect(events.body.events[0].periodId).toBe(period.periodId);
    expect(await ledgerImbalance(db)).toEqual({ unbalanced: [], total: 0 });
  });

  it('answers a closed period unchanged, also to concurrent closes, and refuses overlaps', async () => {
    const { api, clock, db, streamId, auth, close } = await setup();
    await seedTwoSupporters(db, streamId, at(0), at(5 * MINUTE));
    clock.advance(HOUR);
    await api.post(
      `/api/streams/${streamId}/revenue`,
      {
        kind: 'ads',
        amountMicros: 2_000_000,
        currency: 'usd',
        occurredAt: at(MINUTE).toISOString(),
      },
      auth,
    );
    const endsAt = at(30 * MINUTE);
    const answers = await Promise.all([
      ...Array.from({ length: 4 }, () => close(endsAt)),
      close(endsAt, ADMIN_KEY),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    const ids = new Set(answers.map((r) => r.body.periodId));
    expect(ids.size).toBe(1);
    const again = await close(endsAt);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(answers.find((r) => r.status === 201)!.body);

    const periods = await api.get(`/api/streams/${streamId}/periods`, auth);
    expect(periods.body.periods).toHaveLength(1);
    const closes = await db
      .selectFrom('ledger_transactions')
      .select('id')
      .where('idempotency_key', '=', `period:${[...ids][0]}`)
      .execute();
    expect(closes).toHaveLength(1);

    const overlapping = await close(at(20 * MINUTE));
    expect(overlapping.status).toBe(409);
    expect(overlapping.body.error.code).toBe('PERIOD_OVERLAPS');
    const recent = await close(at(HOUR - 30_000));
    expect(recent.status).toBe(422);
    expect(recent.body.error.code).toBe('PERIOD_NOT_ENDED');
    const other = await createStreamer(api);
    expect((await close(at(40 * MINUTE), other.apiKey)).status).toBe(403);
    expect((await close(at(40 * MINUTE), 'not-a-key')).status).toBe(401);
    expect(await ledgerImbalance(db)).toEqual({ unbalanced: [], total: 0 });
  });

  it('settles released credit once in a later period, young credit once payable, voided never', async () => {
    const { api, clock, db, streamId, auth, close } = await setup();
    const receivers = await insertReceivers(db, streamId, at(0));
    const old = at(-100 * DAY);
    const held = await insertSupporter(db, streamId, { firstSessionAt: old, passed: 398 });
    const voided = await insertSupporter(db, streamId, { firstSessionAt: old, passed: 398 });
    const steady = await insertSupporter(db, streamId, { firstSessionAt: old, passed: 398 });
    // First seen 40 min in: at the first close (1 h) its age part is 1/6, so it is not payable.
    const young = await insertSupporter(db, streamId, {
      firstSessionAt: at(40 * MINUTE),
      passed: 398,
    });
    for (const s of [held, voided, steady]) {
      await insertReceipts(db, streamId, s, receivers, {
        count: 4,
        byteLength: 100_000,
        creditedAt: at(5 * MINUTE),
      });
    }
    await insertReceipts(db, streamId, young, receivers, {
      count: 3,
      byteLength: 100_000,
      creditedAt: at(45 * MINUTE),
    });
    const holdId = await insertHold(db, streamId, [held], 'held', at(10 * MINUTE));
    await insertHold(db, streamId, [voided], 'voided', at(10 * MINUTE));
    clock.advance(HOUR);

    const first = await close(at(50 * MINUTE));
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.supporters).toBe(1);
    // What each period settled of a viewer's receipts: its bytes there, by period id.
    const settledIn = async (viewerId: string) =>
      Object.fromEntries(
        (
          await db
            .selectFrom('period_supporters')
            .select(['period_id', 'bytes'])
            .where('viewer_id', '=', viewerId)
            .execute()
        ).map((l) => [l.period_id, Number(l.bytes)]),
      );
    expect(await settledIn(steady.viewerId)).toEqual({ [first.body.periodId]: 400_000 });
    expect(await settledIn(held.viewerId)).toEqual({});
    expect(await settledIn(young.viewerId)).toEqual({});

    const released = await api.post(`/api/admin/holds/${holdId}/release`, undefined, {
      token: ADMIN_KEY,
    });
    expect(released.status).toBe(200);
    clock.advance(3 * HOUR);
    const second = await close(at(3 * HOUR));
    expect(second.status).toBe(201);
    expect(await settledIn(held.viewerId)).toEqual({ [second.body.periodId]: 400_000 });
    expect(await settledIn(young.viewerId)).toEqual({ [second.body.periodId]: 300_000 });
    expect(await settledIn(voided.viewerId)).toEqual({});
    expect(await settledIn(steady.viewerId)).toEqual({ [first.body.periodId]: 400_000 });
    const detail = await api.get(`/api/streams/${streamId}/periods/${second.body.periodId}`, auth);
    expect(
      Object.keys(await linesById(db, detail.body.supporterLines, [held.viewerId, young.viewerId])),
    ).toHaveLength(2);
    expect(detail.body.supporterLines).toHaveLength(2);

    const third = await close(at(3 * HOUR + 30 * MINUTE));
    expect(third.status).toBe(201);
    expect(third.body).toMatchObject({ supporters: 0, p2pBytes: 0, revenueMicros: 0 });
    const lines = await db
      .selectFrom('period_supporters')
      .select(['viewer_id', 'bytes'])
      .where('viewer_id', 'in', [held.viewerId, voided.viewerId, young.viewerId, steady.viewerId])
      .execute();
    expect(lines.map((l) => l.viewer_id).sort()).toEqual(
      [held.viewerId, young.viewerId, steady.viewerId].sort(),
    );
    expect(
      lines.every((l) => Number(l.bytes) === (l.viewer_id === young.viewerId ? 3 : 4) * 100_000),
    ).toBe(true);
    expect(await ledgerImbalance(db)).toEqual({ unbalanced: [], total: 0 });
  });

  it("applies a supporter's monthly cap across its streams' periods", async () => {
    const cap = 1_000_000;
    const { api, clock, db, streamId, close } = await setup({
      monthlyCapNewMicros: cap,
      monthlyCapMatureMicros: cap,
    });
    const { apiKey } = await createStreamer(api);
    const other = await createStream(api, apiKey);
    const { a } = await seedTwoSupporters(db, streamId, at(0), at(5 * MINUTE));
    const receivers = await insertReceivers(db, other.streamId, at(0));
    await insertReceipts(db, other.streamId, a, receivers, {
      count: 2,
      byteLength: 1_638_400,
      creditedAt: at(5 * MINUTE),
    });
    clock.advance(HOUR);
    const first = await close(at(30 * MINUTE));
    expect(first.status).toBe(201);
    const second = await api.post(
      `/api/streams/${other.streamId}/periods`,
      { endsAt: at(30 * MINUTE).toISOString() },
      { token: apiKey },
    );
    expect(second.status).toBe(201);
    const lines = await db
      .selectFrom('period_supporters')
      .select(['period_id', 'cap_micros', 'earnings_micros'])
      .where('viewer_id', '=', a.viewerId)
      .execute();
    const byPeriod = new Map(lines.map((l) => [l.period_id, l]));
    const firstLine = byPeriod.get(first.body.periodId)!;
    // 1,198,500 earned, capped at 1,000,000 x reputation; nothing left for the other stream.
    expect(firstLine.earnings_micros).toBe(firstLine.cap_micros);
    expect(firstLine.cap_micros).toBeLessThan(cap);
    expect(byPeriod.get(second.body.periodId)!.earnings_micros).toBe(0);
  });

  it('closes every stream with something to settle through the admin route', async () => {
    const { api, clock, db, streamId, auth } = await setup();
    const { apiKey } = await createStreamer(api);
    const quiet = await createStream(api, apiKey);
    await seedTwoSupporters(db, streamId, at(0), at(5 * MINUTE));
    clock.advance(HOUR);
    await api.post(
      `/api/streams/${streamId}/revenue`,
      { kind: 'other', amountMicros: 5, currency: 'usd' },
      auth,
    );
    const endsAt = at(HOUR - 2 * MINUTE).toISOString();
    expect((await api.post('/api/admin/periods', { endsAt }, auth)).status).toBe(401);
    const res = await api.post('/api/admin/periods', { endsAt }, { token: ADMIN_KEY });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const mine = res.body.results.find((r: { streamId: string }) => r.streamId === streamId);
    expect(mine).toMatchObject({ status: 'closed' });
    expect(res.body.results.some((r: { streamId: string }) => r.streamId === quiet.streamId)).toBe(
      false,
    );
    const again = await api.post('/api/admin/periods', { endsAt }, { token: ADMIN_KEY });
    expect(
      again.body.results.find((r: { streamId: string }) => r.streamId === streamId),
    ).toBeUndefined();
    expect(await ledgerImbalance(db)).toEqual({ unbalanced: [], total: 0 });
  });
});
