/**
 * The growth funnel (decision 42) on a constructed population where each viewer's stages are
 * known: viewers of the range, registered, engaged (100+ points on the scope), payable
 * supporters, the conversions, and what share links brought (migration 020's referrals).
 */
import { randomUUID } from 'node:crypto';
import type { GrowthResponse } from '@streamrp2p/protocol/api-schemas';
import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import type { DB } from '../src/index.js';
import { hashSecret } from '../src/util/crypto.js';
import { manualClock, startCoordinator } from './api.js';
import { describeWithDatabases, type TestDatabase } from './databases.js';
import {
  DAY,
  HOUR,
  MINUTE,
  insertHold,
  insertReceipts,
  insertReceivers,
  insertSession,
  insertSupporter,
} from './economics-setup.js';
import { createStream, createStreamer } from './fixtures.js';

const FROM = Date.parse('2026-11-25T00:00:00Z');
const TO = FROM + 12 * HOUR;
const NOW = TO + 10 * MINUTE;
const at = (ms: number) => new Date(ms);

async function account(db: Kysely<DB>, viewerId: string, createdAt: number) {
  await db
    .insertInto('viewers')
    .values({ viewer_id: viewerId, secret_hash: hashSecret(randomUUID()), created_at: at(0) })
    .execute();
  await db
    .insertInto('viewer_accounts')
    .values({
      id: randomUUID(),
      viewer_id: viewerId,
      email: `${viewerId}@example.org`,
      password_hash: 'unused',
      display_name: viewerId,
      created_at: at(createdAt),
      last_sign_in_at: null,
    })
    .execute();
}

async function points(db: Kysely<DB>, viewerId: string, streamId: string, n: number) {
  await db
    .insertInto('viewer_points')
    .values({
      viewer_id: viewerId,
      stream_id: streamId,
      action: 'chat',
      points: n,
      multiplier: 1,
      duration_seconds: null,
      session_id: null,
      event_at: at(FROM + HOUR),
      created_at: at(FROM + HOUR),
      address_key: 'addr-points',
    })
    .execute();
}

async function referral(
  db: Kysely<DB>,
  fields: {
    kind: 'share' | 'viewer';
    referee: string;
    streamId: string | null;
    createdAt: number;
    qualifiedAt?: number;
    refusal?: string;
  },
) {
  await db
    .insertInto('referrals')
    .values({
      id: randomUUID(),
      kind: fields.kind,
      code: 'CODE',
      referrer_viewer_id: 'referrer',
      referee_viewer_id: fields.referee,
      referee_streamer_id: null,
      stream_id: fields.streamId,
      referee_address_key: 'a',
      referee_network_key: 'n',
      created_at: at(fields.createdAt),
      qualified_at: fields.qualifiedAt === undefined ? null : at(fields.qualifiedAt),
      refusal: fields.refusal ?? null,
    })
    .execute();
}

/**
 * Stream S of streamer X (and X's S2), stream E of another streamer. Viewers of S in the range:
 * v1..v10. Accounts before `to`: v1..v5 (v6's after). Points on S: v1 120, v2 100, v3 150, v7 200,
 * v4 99; v5 100 on E only. Credit in the range: v1 and v7 (payable), v2 (held), v3 (first seen
 * 20 minutes before now: not payable); v8's credit is before the range. v11 watched before the
 * range; v12 watched S2. Share links of S in the range brought v9 and v10 (v9 qualified); v8's
 * was refused, v6's is older, and one on E does not count.
 */
async function population(t: TestDatabase) {
  const clock = manualClock(NOW);
  const { api, coordinator } = await startCoordinator(t, {
    indexerEnabled: false,
    clock: clock.now,
  });
  const db = coordinator.db;
  const x = await createStreamer(api);
  const s = (await createStream(api, x.apiKey)).streamId;
  const s2 = (await createStream(api, x.apiKey)).streamId;
  const other = await createStreamer(api);
  const e = (await createStream(api, other.apiKey)).streamId;
  const tag = randomUUID().slice(0, 8);
  const v = (n: number) => `${tag}-v${n}`;
  const receivers = await insertReceivers(db, e, at(FROM));
  for (const n of [1, 2, 7, 8]) {
    await insertSupporter(db, e, {
      firstSessionAt: at(FROM - 100 * DAY),
      passed: 398,
      viewerId: v(n),
    });
  }
  const sessions = new Map<number, { viewerId: string; sessionId: string; secret: string }>();
  for (let n = 1; n <= 10; n++) {
    const since = n === 3 ? NOW - 20 * MINUTE : FROM + HOUR;
    const session = await insertSession(db, {
      streamId: s,
      viewerId: v(n),
      createdAt: at(since),
      lastSeenAt: at(since + 30 * MINUTE),
    });
    sessions.set(n, { viewerId: v(n), ...session });
  }
  await insertSession(db, {
    streamId: s,
    viewerId: v(11),
    createdAt: at(FROM - 3 * HOUR),
    lastSeenAt: at(FROM - 2 * HOUR),
  });
  await insertSession(db, {
    streamId: s2,
    viewerId: v(12),
    createdAt: at(FROM + HOUR),
    lastSeenAt: at(FROM + 2 * HOUR),
  });
  for (let n = 1; n <= 6; n++) await account(db, v(n), n === 6 ? TO + MINUTE : FROM - DAY);
  await points(db, v(1), s, 120);
  await points(db, v(2), s, 100);
  await points(db, v(3), s, 150);
  await points(db, v(7), s, 200);
  await points(db, v(4), s, 99);
  await points(db, v(5), e, 100);
  for (const n of [1, 2, 3, 7]) {
    const creditedAt = at(n === 3 ? NOW - 15 * MINUTE : FROM + 2 * HOUR);
    await insertReceipts(db, s, sessions.get(n)!, receivers, {
      count: 2,
      byteLength: 10_000,
      creditedAt,
    });
  }
  await insertReceipts(db, s, sessions.get(8)!, receivers, {
    count: 2,
    byteLength: 10_000,
    creditedAt: at(FROM - MINUTE),
  });
  await insertHold(db, s, [sessions.get(2)!], 'held', at(FROM + 3 * HOUR));

  await referral(db, { kind: 'share', referee: v(9), streamId: s, createdAt: FROM + HOUR });
  await referral(db, {
    kind: 'viewer',
    referee: v(9),
    streamId: null,
    createdAt: FROM + HOUR,
    qualifiedAt: FROM + 5 * HOUR,
  });
  await referral(db, { kind: 'share', referee: v(10), streamId: s, createdAt: FROM + HOUR });
  await referral(db, { kind: 'viewer', referee: v(10), streamId: null, createdAt: FROM + HOUR });
  await referral(db, {
    kind: 'share',
    referee: v(8),
    streamId: s,
    createdAt: FROM + HOUR,
    refusal: 'self_referral',
  });
  await referral(db, { kind: 'share', referee: v(6), streamId: s, createdAt: FROM - HOUR });
  await referral(db, { kind: 'share', referee: v(5), streamId: e, createdAt: FROM + HOUR });
  const range = `from=${at(FROM).toISOString()}&to=${at(TO).toISOString()}`;
  return { api, x, other, s, s2, e, range };
}

describeWithDatabases('growth funnel', (t) => {
  it('counts each stage, rate and referral figure, for the streamer itself only', async () => {
    const { api, x, other, s, e, range } = await population(t);
    const res = await api.get(`/api/streamers/${x.streamerId}/growth?${range}&streamId=${s}`, {
      token: x.apiKey,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      streamer_id: x.streamerId,
      stream_id: s,
      from: at(FROM).toISOString(),
      to: at(TO).toISOString(),
      stages: [
        { stage: 'viewers', count: 10, total: 10, conversion: null },
        { stage: 'registered', count: 5, total: 5, conversion: 0.5 },
        { stage: 'engaged', count: 3, total: 4, conversion: 0.6 },
        { stage: 'supporters', count: 1, total: 2, conversion: 1 / 3 },
      ],
      overall_conversion: 0.1,
      referrals: {
        referred: 2,
        qualified: 1,
        existing_viewers: 8,
        viral_coefficient: 0.25,
        referral_conversion: 0.5,
      },
    });
    // All the streamer's streams: v12 on S2 joins the viewers.
    const all = await api.get(`/api/streamers/${x.streamerId}/growth?${range}`, {
      token: x.apiKey,
    });
    expect(all.body.stream_id).toBeNull();
    expect(all.body.stages[0]).toEqual({
      stage: 'viewers',
      count: 11,
      total: 11,
      conversion: null,
    });
    expect(all.body.referrals.existing_viewers).toBe(9);

    // Only the streamer itself; a range that is one.
    const path = `/api/streamers/${x.streamerId}/growth?${range}`;
    expect((await api.get(path)).status).toBe(401);
    const foreign = await api.get(path, { token: other.apiKey });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('FORBIDDEN');
    expect((await api.get(`${path}&streamId=${e}`, { token: x.apiKey })).status).toBe(403);
    expect((await api.get(`${path}&streamId=nope`, { token: x.apiKey })).status).toBe(404);
    const quiet = await createStreamer(api);
    const empty = await api.get(`/api/streamers/${quiet.streamerId}/growth?${range}`, {
      token: quiet.apiKey,
    });
    expect((empty.body as GrowthResponse).stages.map((st) => st.count)).toEqual([0, 0, 0, 0]);
    expect(empty.body.overall_conversion).toBeNull();
    expect(empty.body.referrals.viral_coefficient).toBeNull();
    for (const bad of [
      'from=yesterday&to=2026-11-25T00:00:00Z',
      `from=${at(TO).toISOString()}&to=${at(FROM).toISOString()}`,
      `from=2024-01-01T00:00:00Z&to=${at(TO).toISOString()}`,
      `from=${at(FROM).toISOString()}`,
    ]) {
      const res = await api.get(`/api/streamers/${x.streamerId}/growth?${bad}`, {
        token: x.apiKey,
      });
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    }
  });
});
