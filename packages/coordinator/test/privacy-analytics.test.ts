/**
 * Pseudonymous analytics (decision 46) against the real coordinator: every answer the studio
 * reads (analytics, live view, metrics, growth, leaderboards, periods, statements, community,
 * squad, referrals) of a populated coordinator holds no viewer id and no client address or
 * address key; supporters' pseudonyms are the same from a second coordinator process on the
 * database and change when the configured salt does.
 */
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { publicPseudonym, viewerKey } from '../src/privacy/pseudonyms.js';
import { addressKeys } from '../src/util/network.js';
import { manualClock, startCoordinator, type Api } from './api.js';
import { describeWithDatabases, type TestDatabase } from './databases.js';
import {
  ADMIN_KEY,
  HOUR,
  MINUTE,
  seedTwoSupporters,
  TEST_MICROS_PER_KILO_CHUNK,
} from './economics-setup.js';
import {
  createSession,
  createStream,
  createStreamer,
  receiptBody,
  receiptFor,
  seedSegment,
  signBatch,
} from './fixtures.js';

const T0 = Date.UTC(2026, 9, 14, 12, 0, 0);
const at = (ms: number) => new Date(T0 + ms);
const CONFIGURED_SALT = 'a-configured-pseudonym-salt-0123';

/** A streamer with supporters (seeded and through the API), a closed period, metrics. */
async function populate(t: TestDatabase) {
  const clock = manualClock(T0);
  const options = {
    clock: clock.now,
    indexerEnabled: false,
    adminApiKey: ADMIN_KEY,
    earningsMicrosPerKiloChunk: TEST_MICROS_PER_KILO_CHUNK,
    metricsRollupIntervalMs: 0,
    retentionIntervalMs: 0,
  };
  const { api, coordinator } = await startCoordinator(t, options);
  const db = t.database.db;
  const streamer = await createStreamer(api, 'streamer', { ip: '192.0.2.10' });
  const stream = await createStream(api, streamer.apiKey);
  const streamId = stream.streamId;
  const auth = { token: streamer.apiKey };
  const { a, b } = await seedTwoSupporters(db, streamId, at(0), at(5 * MINUTE));
  // Two viewers through the API from addresses of their own: one uploads to the other.
  const [up, down] = await Promise.all(
    ['203.0.113.7', '203.0.113.8'].map((ip) => createSession(api, streamId, { ip })),
  );
  const segment = await seedSegment(db, streamId, 1, { byteLength: 30_000 });
  const receipts = [receiptBody({ ...receiptFor(up!, segment, streamId), timestamp: T0 })];
  const usage = { seconds: 30, httpBytes: 1, httpSegments: 1, p2pBytes: 30_000, p2pSegments: 1 };
  const posted = await api.post(
    '/api/receipts',
    { ...(await signBatch(down!, receipts)), usage },
    { token: down!.sessionSecret },
  );
  expect(posted.status, JSON.stringify(posted.body)).toBe(200);
  await db
    .insertInto('viewer_points')
    .values({
      viewer_id: a.viewerId,
      stream_id: streamId,
      action: 'watch',
      points: 40,
      multiplier: 1,
      duration_seconds: 60,
      session_id: a.sessionId,
      event_at: at(MINUTE),
      created_at: at(MINUTE),
      address_key: 'v4:198.51.100.1',
    })
    .execute();
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
  await coordinator.runCommunity();
  return {
    api,
    db,
    clock,
    options,
    streamer,
    streamId,
    auth,
    a,
    b,
    periodId: closed.body.periodId,
  };
}

/** Every studio-facing answer of the streamer, by path. */
async function studioAnswers(
  api: Api,
  s: { streamer: { streamerId: string }; streamId: string; auth: { token: string } },
  periodId: string,
): Promise<Record<string, unknown>> {
  const { streamerId } = s.streamer;
  const range = `from=${at(-2 * HOUR).toISOString()}&to=${at(2 * HOUR).toISOString()}`;
  const paths = [
    `/api/streamers/${streamerId}/supporter-analytics?${range}&step=minute`,
    `/api/streamers/${streamerId}/growth?${range}`,
    `/api/streamers/${streamerId}/streams`,
    // The live view's server-sent events carry this same snapshot every few seconds.
    `/api/streams/${s.streamId}/live?format=json`,
    `/api/streams/${s.streamId}/indexing`,
    `/api/streams/${s.streamId}/metrics?${range}&step=minute`,
    `/api/streams/${s.streamId}/periods`,
    `/api/streams/${s.streamId}/periods/${periodId}`,
    `/api/streams/${s.streamId}/revenue`,
    `/api/streamers/${streamerId}/statements`,
    `/api/streams/${s.streamId}/community`,
    `/api/streamers/${streamerId}/goals`,
    `/api/streamers/${streamerId}/squad`,
    `/api/streamers/${streamerId}/squad/notifications`,
    `/api/streamers/${streamerId}/referrals`,
    `/api/streams/${s.streamId}/chat`,
    `/api/streams/${s.streamId}/followers`,
  ];
  for (const metric of ['data_served', 'uptime', 'points']) {
    for (const window of ['day', 'week', 'all']) {
      paths.push(`/api/streams/${s.streamId}/leaderboard?metric=${metric}&window=${window}`);
      paths.push(`/api/streamers/${streamerId}/leaderboard?metric=${metric}&window=${window}`);
    }
  }
  const answers: Record<string, unknown> = {};
  for (const path of paths) {
    const res = await api.get(path, s.auth);
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
    answers[path] = res.body;
  }
  return answers;
}

/** Viewer ids, client addresses and their keys held anywhere in the database. */
async function identities(db: TestDatabase['database']['db']): Promise<string[]> {
  const { rows } = await sql<{ value: string }>`
    select viewer_id as value from sessions union select viewer_id from viewers
    union select uploader_viewer_id from receipts union select receiver_viewer_id from receipts
    union select ip from sessions union select address_key from sessions
    union select network_key from sessions union select ip from streamers
    union select address_key from streamers union select network_key from streamers`.execute(db);
  const values = new Set(rows.map((r) => r.value).filter((v) => v !== ''));
  // Addresses also as the bare address and its /24, the forms a page would show.
  for (const v of [...values]) {
    if (v.startsWith('v4:')) values.add(v.slice(3));
    if (/^\d+\.\d+\.\d+\.\d+$/.test(v)) values.add(addressKeys(v).network.slice(3));
  }
  return [...values];
}

describeWithDatabases('pseudonymous analytics', (t) => {
  it('names no viewer id or address in any studio answer; pseudonyms follow the salt', async () => {
    const s = await populate(t);
    const answers = await studioAnswers(s.api, s, s.periodId);
    const needles = await identities(s.db);
    expect(needles).toContain(s.a.viewerId);
    expect(needles).toContain('203.0.113.7');
    expect(needles).toContain('203.0.113.0/24');
    for (const [path, body] of Object.entries(answers)) {
      const text = JSON.stringify(body);
      for (const needle of needles) {
        expect(text.includes(needle), `${path} holds ${needle}`).toBe(false);
      }
    }

    // The same names from a second process on the database; others under a configured salt.
    const analytics = Object.keys(answers)[0]!;
    type Top = { top_supporters: Array<{ name: string; viewer_key: string }> };
    const top = (answers[analytics] as Top).top_supporters;
    expect(top.length).toBeGreaterThanOrEqual(2);
    const { value: stored } = await s.db
      .selectFrom('privacy_settings')
      .select('value')
      .executeTakeFirstOrThrow();
    const keyA = viewerKey(stored, s.a.viewerId);
    expect(top.find((e) => e.viewer_key === keyA)?.name).toBe(
      publicPseudonym(stored, s.a.viewerId),
    );
    const second = await startCoordinator(t, s.options);
    expect(((await second.api.get(analytics, s.auth)).body as Top).top_supporters).toEqual(top);
    const salted = await startCoordinator(t, { ...s.options, pseudonymSalt: CONFIGURED_SALT });
    const renamed = ((await salted.api.get(analytics, s.auth)).body as Top).top_supporters;
    expect(renamed.map((e) => e.viewer_key).sort()).not.toEqual(
      top.map((e) => e.viewer_key).sort(),
    );
    expect(renamed.find((e) => e.viewer_key === viewerKey(CONFIGURED_SALT, s.a.viewerId))).toEqual(
      expect.objectContaining({ name: publicPseudonym(CONFIGURED_SALT, s.a.viewerId) }),
    );
  });
});
