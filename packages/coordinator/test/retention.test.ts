/**
 * Retention (decision 46) against the real coordinator: with an injected clock, settled receipts
 * older than `receiptRetentionDays` are deleted and held ones kept; addresses older than
 * `addressRetentionDays` are blanked; the ledger, the statements, the period and the analytics'
 * totals read the same before and after; two processes running it at once remove each row
 * once; a second run changes nothing.
 */
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { manualClock, startCoordinator } from './api.js';
import { describeWithDatabases, type TestDatabase } from './databases.js';
import {
  ADMIN_KEY,
  DAY,
  HOUR,
  insertHold,
  insertReceipts,
  insertReceivers,
  insertSupporter,
  MINUTE,
  seedTwoSupporters,
  TEST_MICROS_PER_KILO_CHUNK,
} from './economics-setup.js';
import { createStream, createStreamer } from './fixtures.js';

const T0 = Date.UTC(2026, 9, 10, 12, 0, 0);
const at = (ms: number) => new Date(T0 + ms);

describeWithDatabases('retention', (t: TestDatabase) => {
  it('prunes settled receipts and old addresses, keeps held ones, and every total stays', async () => {
    const clock = manualClock(T0);
    const options = {
      clock: clock.now,
      indexerEnabled: false,
      adminApiKey: ADMIN_KEY,
      earningsMicrosPerKiloChunk: TEST_MICROS_PER_KILO_CHUNK,
      metricsRollupIntervalMs: 0,
      receiptRetentionDays: 7,
      addressRetentionDays: 2,
      retentionIntervalMs: 0,
    };
    const { api, coordinator } = await startCoordinator(t, options);
    const db = t.database.db;
    const streamer = await createStreamer(api);
    const { streamId } = await createStream(api, streamer.apiKey);
    const auth = { token: streamer.apiKey };
    const { a, b } = await seedTwoSupporters(db, streamId, at(0), at(5 * MINUTE));
    // C's credit is held: the close defers it, so it is never settled and never pruned.
    const c = await insertSupporter(db, streamId, { firstSessionAt: at(-100 * DAY), passed: 398 });
    await insertReceipts(db, streamId, c, await insertReceivers(db, streamId, at(0)), {
      count: 3,
      byteLength: 100_000,
      creditedAt: at(5 * MINUTE),
    });
    await insertHold(db, streamId, [c], 'held', at(6 * MINUTE));
    clock.advance(HOUR);
    const tip = await api.post(
      `/api/streams/${streamId}/revenue`,
      { kind: 'tip', amountMicros: 1_000_000, currency: 'usd', occurredAt: at(MINUTE) },
      auth,
    );
    expect(tip.status, JSON.stringify(tip.body)).toBe(201);
    const closed = await api.post(
      `/api/streams/${streamId}/periods`,
      { endsAt: at(30 * MINUTE).toISOString() },
      auth,
    );
    expect(closed.status, JSON.stringify(closed.body)).toBe(201);
    await coordinator.rollUpMetrics();

    const range = `from=${at(-HOUR).toISOString()}&to=${at(2 * HOUR).toISOString()}`;
    const figures = async () => {
      const ledger = await sql<{ account: string; micros: string }>`
        select account, sum(amount_micros)::text as micros from ledger_entries
        group by account order by account`.execute(db);
      const analytics = await api.get(
        `/api/streamers/${streamer.streamerId}/supporter-analytics?${range}&step=hour`,
        auth,
      );
      expect(analytics.status).toBe(200);
      const { top_supporters: top, ...totals } = analytics.body;
      return {
        ledger: ledger.rows,
        period: (await api.get(`/api/streams/${streamId}/periods/${closed.body.periodId}`, auth))
          .body,
        streamer: (await api.get(`/api/streamers/${streamer.streamerId}/statements`, auth)).body,
        a: (await api.get(`/api/viewers/${a.viewerId}/statements`, { token: a.secret })).body,
        b: (await api.get(`/api/viewers/${b.viewerId}/statements`, { token: b.secret })).body,
        totals,
        top: top as unknown[],
      };
    };
    const receiptsOf = async (sessionId: string) =>
      Number(
        (
          await db
            .selectFrom('receipts')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('uploader_session_id', '=', sessionId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await figures();
    expect(before.top).toHaveLength(3);
    expect(before.a.lines).toHaveLength(1);

    // Within both periods nothing changes.
    expect(await coordinator.runRetention()).toEqual({
      receipts: 0,
      supporterHours: 0,
      addresses: 0,
      signInAttempts: 0,
    });

    // Two processes run it at once: each row is removed once.
    clock.advance(10 * DAY);
    const other = await startCoordinator(t, options);
    const [result, alongside] = await Promise.all([
      coordinator.runRetention(),
      other.coordinator.runRetention(),
    ]);
    expect(result.receipts + alongside.receipts).toBe(15);
    // Either process may have taken any row: only their sums are known.
    expect(result.supporterHours + alongside.supporterHours).toBeGreaterThanOrEqual(2);
    expect(result.addresses + alongside.addresses).toBeGreaterThan(0);
    expect(await receiptsOf(a.sessionId)).toBe(0);
    expect(await receiptsOf(b.sessionId)).toBe(0);
    expect(await receiptsOf(c.sessionId)).toBe(3);

    // The receivers' sessions (last seen at T0) and the streamer's account lost their addresses.
    const kept = await db
      .selectFrom('sessions')
      .select(['id', 'ip', 'address_key', 'network_key'])
      .where('last_seen_at', '<', at(DAY))
      .execute();
    expect(kept.length).toBeGreaterThan(0);
    for (const s of kept) expect([s.ip, s.address_key, s.network_key]).toEqual(['', '', '']);
    const account = await db
      .selectFrom('streamers')
      .select(['ip', 'address_key', 'network_key'])
      .where('id', '=', streamer.streamerId)
      .executeTakeFirstOrThrow();
    expect(account).toEqual({ ip: '', address_key: '', network_key: '' });
    const bounds = await sql<{ n: number }>`
      select count(*)::int as n from credit_bounds b join sessions s on s.id = b.session_id
      where s.last_seen_at < ${at(DAY)} and b.address_key <> ''`.execute(db);
    expect(bounds.rows[0]?.n).toBe(0);

    // Ledger, period, statements and the analytics' totals read the same; the per-viewer hours
    // of top supporters went with the receipts.
    const after = await figures();
    expect(after.ledger).toEqual(before.ledger);
    expect(after.period).toEqual(before.period);
    expect(after.streamer).toEqual(before.streamer);
    expect(after.a).toEqual(before.a);
    expect(after.b).toEqual(before.b);
    expect(after.totals).toEqual(before.totals);
    expect(after.top).toEqual([]);

    // Idempotent: a second run at the same time finds nothing.
    expect(await coordinator.runRetention()).toEqual({
      receipts: 0,
      supporterHours: 0,
      addresses: 0,
      signInAttempts: 0,
    });
    // Each process counts the receipts it removed itself.
    const removedReceipts = async (c: typeof coordinator) => {
      const text = await c.metrics.registry.getSingleMetricAsString(
        'streamrp2p_coordinator_retention_rows_total',
      );
      return Number(/kind="receipts"\} (\d+)/.exec(text)?.[1] ?? 0);
    };
    expect((await removedReceipts(coordinator)) + (await removedReceipts(other.coordinator))).toBe(
      15,
    );
  });
});
