/**
 * Revenue recording against the real coordinator: validation, owner and admin access,
 * idempotency keys (also under concurrent retries), and its ledger postings.
 */
import { expect, it } from 'vitest';
import { accountBalance, ledgerImbalance } from '../src/ledger/ledger.js';
import { manualClock, startCoordinator } from './api.js';
import { describeWithDatabases, type TestDatabase } from './databases.js';
import { ADMIN_KEY, MINUTE } from './economics-setup.js';
import { createStream, createStreamer } from './fixtures.js';

const T0 = Date.UTC(2026, 10, 10, 12, 0, 0);

describeWithDatabases('revenue', (t: TestDatabase) => {
  async function setup() {
    const clock = manualClock(T0);
    const started = await startCoordinator(t, {
      clock: clock.now,
      indexerEnabled: false,
      adminApiKey: ADMIN_KEY,
    });
    const streamer = await createStreamer(started.api);
    const stream = await createStream(started.api, streamer.apiKey);
    const path = `/api/streams/${stream.streamId}/revenue`;
    return { ...started, clock, streamer, streamId: stream.streamId, path };
  }

  const tip = (fields: Record<string, unknown> = {}) => ({
    kind: 'tip',
    amountMicros: 2_500_000,
    currency: 'usd',
    ...fields,
  });

  it('refuses malformed revenue with a clear code', async () => {
    const { api, streamer, path } = await setup();
    const auth = { token: streamer.apiKey };
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [tip({ kind: 'bribe' }), 400, 'VALIDATION_ERROR'],
      [tip({ amountMicros: 0 }), 400, 'VALIDATION_ERROR'],
      [tip({ amountMicros: -5 }), 400, 'VALIDATION_ERROR'],
      [tip({ amountMicros: 1.5 }), 400, 'VALIDATION_ERROR'],
      [tip({ amountMicros: 2 ** 53 }), 400, 'VALIDATION_ERROR'],
      [tip({ amountMicros: '100' }), 400, 'VALIDATION_ERROR'],
      [tip({ currency: 'eur' }), 422, 'CURRENCY_MISMATCH'],
      [tip({ occurredAt: 'yesterday' }), 400, 'VALIDATION_ERROR'],
      [tip({ occurredAt: '2026-11-10T12:00:00' }), 400, 'VALIDATION_ERROR'],
      [tip({ occurredAt: new Date(T0 + 6 * MINUTE).toISOString() }), 422, 'IMPLAUSIBLE_TIME'],
      [tip({ idempotencyKey: 'k'.repeat(201) }), 400, 'VALIDATION_ERROR'],
      [tip({ extra: 1 }), 400, 'VALIDATION_ERROR'],
    ];
    for (const [body, status, code] of cases) {
      const res = await api.post(path, body, auth);
      expect([res.status, res.body.error?.code], JSON.stringify(body)).toEqual([status, code]);
    }
    // Four minutes ahead is clock skew, accepted.
    const skewed = await api.post(
      path,
      tip({ occurredAt: new Date(T0 + 4 * MINUTE).toISOString() }),
      auth,
    );
    expect(skewed.status).toBe(201);
  });

  it('lets the owner and the admin record, nobody else', async () => {
    const { api, streamer, streamId, path } = await setup();
    expect((await api.post(path, tip())).status).toBe(401);
    const other = await createStreamer(api);
    const forbidden = await api.post(path, tip(), { token: other.apiKey });
    expect(forbidden.status).toBe(403);
    const unknown = await api.post('/api/streams/nope/revenue', tip(), { token: ADMIN_KEY });
    expect(unknown.status).toBe(404);
    const byAdmin = await api.post(path, tip({ kind: 'ads', note: 'campaign 7' }), {
      token: ADMIN_KEY,
    });
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body).toMatchObject({
      streamId,
      kind: 'ads',
      amountMicros: 2_500_000,
      currency: 'usd',
      occurredAt: new Date(T0).toISOString(),
      note: 'campaign 7',
      periodId: null,
    });
    const owner = await api.post(path, tip(), { token: streamer.apiKey });
    expect(owner.status).toBe(201);
    const listed = await api.get(path, { token: streamer.apiKey });
    // Both occurred at the clock's now: listed oldest first, ties in id order.
    expect(listed.body.events.map((e: { eventId: string }) => e.eventId)).toEqual(
      [byAdmin.body.eventId, owner.body.eventId].sort(),
    );
    expect((await api.get(path, { token: other.apiKey })).status).toBe(403);
  });

  it('answers a retried key with the first event and refuses it with another body', async () => {
    const { api, streamer, streamId, path } = await setup();
    const auth = { token: streamer.apiKey };
    const body = tip({
      idempotencyKey: 'order-42',
      occurredAt: new Date(T0 - MINUTE).toISOString(),
    });
    const first = await api.post(path, body, auth);
    expect(first.status).toBe(201);
    const retry = await api.post(path, body, auth);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    const changed = await api.post(path, { ...body, amountMicros: 2_500_001 }, auth);
    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe('IDEMPOTENCY_CONFLICT');

    const concurrent = await Promise.all(
      Array.from({ length: 6 }, () => api.post(path, tip({ idempotencyKey: 'order-43' }), auth)),
    );
    expect(concurrent.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(concurrent.map((r) => r.body.eventId)).size).toBe(1);

    const db = t.database.db;
    expect(await accountBalance(db, `revenue:${streamId}`)).toBe(-5_000_000);
    const transactions = await db
      .selectFrom('ledger_transactions')
      .select('idempotency_key')
      .where('idempotency_key', 'in', [
        `revenue:${first.body.eventId}`,
        `revenue:${concurrent[0]!.body.eventId}`,
      ])
      .execute();
    expect(transactions).toHaveLength(2);
    expect(await ledgerImbalance(db)).toEqual({ unbalanced: [], total: 0 });
  });

  it('lists events of a time range', async () => {
    const { api, clock, streamer, path } = await setup();
    const auth = { token: streamer.apiKey };
    clock.advance(10 * MINUTE);
    for (const minutes of [1, 3, 5]) {
      const occurredAt = new Date(T0 + minutes * MINUTE).toISOString();
      expect((await api.post(path, tip({ occurredAt }), auth)).status).toBe(201);
    }
    const from = new Date(T0 + 2 * MINUTE).toISOString();
    const to = new Date(T0 + 5 * MINUTE).toISOString();
    const res = await api.get(`${path}?from=${from}&to=${to}`, auth);
    expect(res.status).toBe(200);
    expect(res.body.events.map((e: { occurredAt: string }) => e.occurredAt)).toEqual([
      new Date(T0 + 3 * MINUTE).toISOString(),
    ]);
    expect((await api.get(`${path}?from=soon`, auth)).status).toBe(400);
  });
});
