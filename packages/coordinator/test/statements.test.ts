/**
 * Statements against the real coordinator: a supporter's lines, payouts and balance (JSON and a
 * CSV that parses back to the same figures), its earnings summary, a streamer's periods, and
 * who may read them.
 */
import { expect, it } from 'vitest';
import { microsToDecimal } from '../src/economics/statement-csv.js';
import { manualClock, startCoordinator } from './api.js';
import { describeWithDatabases, type TestDatabase } from './databases.js';
import {
  ADMIN_KEY,
  HOUR,
  MINUTE,
  seedTwoSupporters,
  TEST_MICROS_PER_KILO_CHUNK,
} from './economics-setup.js';
import { createStream, createStreamer } from './fixtures.js';

const T0 = Date.UTC(2026, 10, 10, 12, 0, 0);
const at = (ms: number) => new Date(T0 + ms);

/** An RFC 4180 reader, enough for the tests: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field).toBe('');
  return records;
}

const asObjects = (records: string[][]) =>
  records.slice(1).map((r) => Object.fromEntries(records[0]!.map((h, i) => [h, r[i]])));

describeWithDatabases('statements', (t: TestDatabase) => {
  async function closedPeriod() {
    const clock = manualClock(T0);
    const started = await startCoordinator(t, {
      clock: clock.now,
      indexerEnabled: false,
      adminApiKey: ADMIN_KEY,
      earningsMicrosPerKiloChunk: TEST_MICROS_PER_KILO_CHUNK,
    });
    const { api } = started;
    const streamer = await createStreamer(api);
    const stream = await createStream(api, streamer.apiKey);
    const db = t.database.db;
    const { a, b } = await seedTwoSupporters(db, stream.streamId, at(0), at(5 * MINUTE));
    clock.advance(HOUR);
    const auth = { token: streamer.apiKey };
    const tip = await api.post(
      `/api/streams/${stream.streamId}/revenue`,
      {
        kind: 'tip',
        amountMicros: 1_000_000,
        currency: 'usd',
        occurredAt: at(MINUTE).toISOString(),
      },
      auth,
    );
    expect(tip.status).toBe(201);
    const closed = await api.post(
      `/api/streams/${stream.streamId}/periods`,
      { endsAt: at(30 * MINUTE).toISOString() },
      auth,
    );
    expect(closed.status).toBe(201);
    return {
      ...started,
      clock,
      db,
      streamer,
      streamId: stream.streamId,
      a,
      b,
      period: closed.body,
    };
  }

  it('gives a supporter its lines, payouts and balance, as JSON and as CSV', async () => {
    const { api, db, a, streamId, period } = await closedPeriod();
    // A payout in flight, as the payout module writes it.
    await db
      .insertInto('payouts')
      .values({
        id: 'payout-1',
        payee_kind: 'supporter',
        payee_id: a.viewerId,
        account: `supporter:${a.viewerId}`,
        provider: 'file',
        destination: 'label, "quoted"',
        amount_micros: 100_000,
        currency: 'usd',
        status: 'pending',
        idempotency_key: `payout-${a.viewerId}`,
        created_at: at(2 * HOUR),
        updated_at: at(2 * HOUR),
      })
      .execute();
    const auth = { token: a.secret };
    const res = await api.get(`/api/viewers/${a.viewerId}/statements`, auth);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      viewerId: a.viewerId,
      currency: 'usd',
      from: null,
      to: null,
      totalAmountMicros: 113_365,
      balanceMicros: -113_365,
      owedMicros: 113_365,
      payouts: [{ payoutId: 'payout-1', amountMicros: 100_000, status: 'pending' }],
    });
    expect(res.body.lines).toEqual([
      {
        periodId: period.periodId,
        streamId,
        startsAt: period.startsAt,
        endsAt: period.endsAt,
        bytes: 16_384_000,
        chunks: 1000,
        reputation: expect.closeTo(0.99875, 3),
        earningsMicros: 1_198_500,
        amountMicros: 113_365,
        referralBoost: 0,
      },
    ]);

    const csv = await api.get(`/api/viewers/${a.viewerId}/statements?format=csv`, auth);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe(
      `attachment; filename="statement-supporter-${a.viewerId}.csv"`,
    );
    const rows = asObjects(parseCsv(csv.body));
    expect(rows).toEqual([
      {
        kind: 'period',
        id: period.periodId,
        stream_id: streamId,
        starts_at: period.startsAt,
        ends_at: period.endsAt,
        bytes: '16384000',
        chunks: '1000',
        reputation: String(res.body.lines[0].reputation),
        earnings_micros: '1198500',
        earnings: '1.198500',
        amount_micros: '113365',
        amount: '0.113365',
        currency: 'usd',
        status: '',
      },
      {
        kind: 'payout',
        id: 'payout-1',
        stream_id: '',
        starts_at: at(2 * HOUR).toISOString(),
        ends_at: at(2 * HOUR).toISOString(),
        bytes: '',
        chunks: '',
        reputation: '',
        earnings_micros: '',
        earnings: '',
        amount_micros: '100000',
        amount: '0.100000',
        currency: 'usd',
        status: 'pending',
      },
    ]);

    // A range that ends before the period leaves it out.
    const before = await api.get(
      `/api/viewers/${a.viewerId}/statements?to=${at(10 * MINUTE).toISOString()}`,
      auth,
    );
    expect(before.body.lines).toEqual([]);
    expect(before.body.owedMicros).toBe(113_365);
  });

  it("refuses another viewer's secret and a missing one alike", async () => {
    const { api, a, b } = await closedPeriod();
    for (const path of [
      `/api/viewers/${a.viewerId}/statements`,
      `/api/viewers/${a.viewerId}/earnings`,
    ]) {
      expect((await api.get(path, { token: b.secret })).status).toBe(401);
      expect((await api.get(path, { token: 'unknown-secret' })).status).toBe(401);
      expect((await api.get(path)).status).toBe(401);
    }
    expect(
      (await api.get(`/api/viewers/${a.viewerId}/statements?format=xml`, { token: a.secret }))
        .status,
    ).toBe(400);
  });

  it('sums up what a supporter earned and is owed now', async () => {
    const { api, db, b, streamId, clock } = await closedPeriod();
    // Credit after the period: unsettled, payable.
    await db
      .insertInto('receipts')
      .values({
        stream_id: streamId,
        rendition: 'r',
        sequence: 999_999,
        receiver_viewer_id: 'late-receiver',
        receiver_session_id: 'late-session',
        uploader_session_id: b.sessionId,
        uploader_viewer_id: b.viewerId,
        byte_length: 70_000,
        signed_at: clock.now(),
        credited_at: at(HOUR),
        delivery_ms: 300,
      })
      .execute();
    const res = await api.get(`/api/viewers/${b.viewerId}/earnings`, { token: b.secret });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      viewerId: b.viewerId,
      currency: 'usd',
      payable: true,
      unsettledPayableBytes: 70_000,
      earnedThisMonthMicros: 605_242,
      balanceMicros: -57_249,
      owedMicros: 57_249,
    });
    expect(res.body.reputation).toBeGreaterThan(0.9);
    expect(res.body.lastPeriods).toHaveLength(1);
    expect(res.body.lastPeriods[0].amountMicros).toBe(57_249);
  });

  it('gives a streamer its periods, totals per stream and balance; nobody else', async () => {
    const { api, streamer, streamId, period } = await closedPeriod();
    const path = `/api/streamers/${streamer.streamerId}/statements`;
    const res = await api.get(path, { token: streamer.apiKey });
    expect(res.status).toBe(200);
    const figures = {
      revenueMicros: 1_000_000,
      platformFeeMicros: 150_000,
      poolMicros: 170_614,
      streamerMicros: 679_386,
      cdnSavedMicros: 1228,
    };
    expect(res.body).toMatchObject({
      streamerId: streamer.streamerId,
      periods: [{ periodId: period.periodId, streamId, supporters: 2, ...figures }],
      streams: [{ streamId, periods: 1, ...figures }],
      balanceMicros: -679_386,
      owedMicros: 679_386,
    });
    const csv = await api.get(`${path}?format=csv`, { token: streamer.apiKey });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const [row] = asObjects(parseCsv(csv.body));
    expect(row).toMatchObject({
      period_id: period.periodId,
      revenue_micros: '1000000',
      revenue: '1.000000',
      platform_fee: '0.150000',
      pool_micros: '170614',
      pool: '0.170614',
      streamer: '0.679386',
      cdn_saved: '0.001228',
      supporters: '2',
    });
    const other = await createStreamer(api);
    expect((await api.get(path, { token: other.apiKey })).status).toBe(403);
    expect((await api.get(path)).status).toBe(401);
  });
});

it('writes micro-units as exact decimals', () => {
  expect(microsToDecimal(0)).toBe('0.000000');
  expect(microsToDecimal(1)).toBe('0.000001');
  expect(microsToDecimal(-1_234_567)).toBe('-1.234567');
  expect(microsToDecimal(Number.MAX_SAFE_INTEGER)).toBe('9007199254.740991');
});
