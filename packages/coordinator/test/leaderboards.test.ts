/**
 * Leaderboards (decision 42) on a hand-built population whose every figure is known: payable
 * credit only (holds and low reputation left out), the union of parallel sessions for uptime,
 * points of the window, calendar windows at their exact boundaries, ties, names and "you".
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { LeaderboardResponse } from '@streamrp2p/protocol/api-schemas';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import type { DB } from '../src/index.js';
import { hashSecret } from '../src/util/crypto.js';
import { manualClock, startCoordinator, type Api } from './api.js';
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

/** Wednesday 25 November 2026, noon UTC: the day began at 00:00, the week on Monday the 23rd. */
const NOW = Date.parse('2026-11-25T12:00:00Z');
const TODAY = Date.parse('2026-11-25T00:00:00Z');
const MONDAY = Date.parse('2026-11-23T00:00:00Z');
const at = (ms: number) => new Date(ms);

/** A payable supporter (old, 398 challenges passed) whose reputation session is elsewhere. */
async function supporter(db: Kysely<DB>, elsewhere: string, viewerId: string) {
  return insertSupporter(db, elsewhere, {
    firstSessionAt: at(NOW - 100 * DAY),
    passed: 398,
    viewerId,
  });
}

/** A session of `viewerId` in `streamId` live over `[from, until)`. */
const session = (db: Kysely<DB>, streamId: string, viewerId: string, from: number, until: number) =>
  insertSession(db, { streamId, viewerId, createdAt: at(from), lastSeenAt: at(until) }).then(
    (s) => ({ viewerId, ...s }),
  );

async function points(db: Kysely<DB>, viewerId: string, streamId: string, n: number, when: number) {
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
      event_at: at(when),
      created_at: at(when),
      address_key: 'addr-points',
    })
    .execute();
}

/**
 * Stream S of streamer X (and X's second stream S2), another streamer's stream E. On S:
 * - A: session today 08:00-11:00; 300 kB at 09:00, 10 kB at 00:00:00.000 today, 7 kB at
 *   23:59:59.999 yesterday. Display name "Alice". Points: 30 today, 70 last week; 1,000 on E.
 * - B: sessions Monday 10:00-12:00, today 10:00-12:00 and today 10:30-11:30 (parallel);
 *   500 kB Monday, 200 kB + 50 kB today. Points: 50 today.
 * - C: session 16 Nov 10:00-14:00; 1 MB then.
 * - H (held), V (voided): 1 MB each today; Y (first seen 20 min ago, not payable): 900 kB today.
 * - P: 120 points Monday, no credit. D on S2: 400 kB today.
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
  const id = (name: string) => `${tag}-${name}`;
  const receivers = await insertReceivers(db, s, at(TODAY));
  const receivers2 = await insertReceivers(db, s2, at(TODAY));
  for (const name of ['a', 'b', 'c', 'h', 'v', 'd']) await supporter(db, e, id(name));
  await insertSupporter(db, e, {
    firstSessionAt: at(NOW - 20 * MINUTE),
    passed: 398,
    viewerId: id('y'),
  });

  const kb = (n: number) => n * 1000;
  const a = await session(db, s, id('a'), TODAY + 8 * HOUR, TODAY + 11 * HOUR);
  await insertReceipts(db, s, a, receivers, {
    count: 3,
    byteLength: kb(100),
    creditedAt: at(TODAY + 9 * HOUR),
  });
  await insertReceipts(db, s, a, receivers, {
    count: 1,
    byteLength: kb(10),
    creditedAt: at(TODAY),
  });
  await insertReceipts(db, s, a, receivers, {
    count: 1,
    byteLength: kb(7),
    creditedAt: at(TODAY - 1),
  });
  const bMonday = await session(db, s, id('b'), MONDAY + 10 * HOUR, MONDAY + 12 * HOUR);
  const bToday = await session(db, s, id('b'), TODAY + 10 * HOUR, NOW);
  const bTab = await session(db, s, id('b'), TODAY + 10.5 * HOUR, TODAY + 11.5 * HOUR);
  await insertReceipts(db, s, bMonday, receivers, {
    count: 5,
    byteLength: kb(100),
    creditedAt: at(MONDAY + 11 * HOUR),
  });
  await insertReceipts(db, s, bToday, receivers, {
    count: 2,
    byteLength: kb(100),
    creditedAt: at(TODAY + 10.25 * HOUR),
  });
  await insertReceipts(db, s, bTab, receivers, {
    count: 1,
    byteLength: kb(50),
    creditedAt: at(TODAY + 11 * HOUR),
  });
  const lastWeek = Date.parse('2026-11-16T10:00:00Z');
  const c = await session(db, s, id('c'), lastWeek, lastWeek + 4 * HOUR);
  await insertReceipts(db, s, c, receivers, {
    count: 10,
    byteLength: kb(100),
    creditedAt: at(lastWeek + HOUR),
  });
  const frozen = [];
  for (const name of ['h', 'v', 'y']) {
    // Y's first session ever is this one, 20 minutes ago: its age keeps it below payable.
    const since = name === 'y' ? NOW - 20 * MINUTE : TODAY + 8 * HOUR;
    const f = await session(db, s, id(name), since, NOW);
    await insertReceipts(db, s, f, receivers, {
      count: name === 'y' ? 9 : 10,
      byteLength: kb(100),
      creditedAt: at(since + MINUTE),
    });
    frozen.push(f);
  }
  const holdId = await insertHold(db, s, [frozen[0]!], 'held', at(TODAY + 10 * HOUR));
  await insertHold(db, s, [frozen[1]!], 'voided', at(TODAY + 10 * HOUR));
  const d = await session(db, s2, id('d'), TODAY + 8 * HOUR, NOW);
  await insertReceipts(db, s2, d, receivers2, {
    count: 4,
    byteLength: kb(100),
    creditedAt: at(TODAY + 9 * HOUR),
  });

  await points(db, id('a'), s, 30, TODAY + 9 * HOUR);
  await points(db, id('a'), s, 70, lastWeek);
  await points(db, id('a'), e, 1000, TODAY + 9 * HOUR);
  await points(db, id('b'), s, 50, TODAY + 9 * HOUR);
  await points(db, id('p'), s, 120, MONDAY + HOUR);

  await db
    .insertInto('viewers')
    .values({ viewer_id: id('a'), secret_hash: hashSecret(randomUUID()), created_at: at(TODAY) })
    .execute();
  await db
    .insertInto('viewer_accounts')
    .values({
      id: randomUUID(),
      viewer_id: id('a'),
      email: `${tag}@example.org`,
      password_hash: 'unused',
      display_name: 'Alice',
      created_at: at(TODAY),
      last_sign_in_at: null,
    })
    .execute();
  const { rows } = await sql<{ value: string }>`
    select value from privacy_settings where name = 'pseudonym_salt'`.execute(db);
  const salt = rows[0]!.value;
  const name = (n: string) =>
    n === 'a'
      ? 'Alice'
      : `Viewer ${createHmac('sha256', salt).update(id(n)).digest('hex').slice(0, 6)}`;
  return { api, clock, db, s, s2, x, id, name, holdId, bToday, tag };
}

type Board = Array<[string, number, number]>;

async function board(api: Api, path: string): Promise<{ body: LeaderboardResponse; rows: Board }> {
  const res = await api.get<LeaderboardResponse>(path);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return {
    body: res.body,
    rows: res.body.entries.map((e): [string, number, number] => [e.name, e.value, e.rank]),
  };
}

describeWithDatabases('leaderboards', (t) => {
  it('ranks payable data served, uptime and points per window, stream and streamer', async () => {
    const { api, s, x, name } = await population(t);
    const q = (scope: string, window: string, metric: string) =>
      board(api, `/api/${scope}/leaderboard?window=${window}&metric=${metric}`);
    const stream = `streams/${s}`;

    // Data served: H and V (held, voided) and Y (not payable) served more, and are not there.
    expect((await q(stream, 'day', 'data_served')).rows).toEqual([
      [name('a'), 310_000, 1],
      [name('b'), 250_000, 2],
    ]);
    expect((await q(stream, 'week', 'data_served')).rows).toEqual([
      [name('b'), 750_000, 1],
      [name('a'), 317_000, 2],
    ]);
    expect((await q(stream, 'all', 'data_served')).rows).toEqual([
      [name('c'), 1_000_000, 1],
      [name('b'), 750_000, 2],
      [name('a'), 317_000, 3],
    ]);
    // The streamer's board adds D's stream S2.
    expect((await q(`streamers/${x.streamerId}`, 'day', 'data_served')).rows).toEqual([
      [name('d'), 400_000, 1],
      [name('a'), 310_000, 2],
      [name('b'), 250_000, 3],
    ]);

    // Uptime: B's parallel tab counts once; B and C tie all-time, ordered deterministically.
    expect((await q(stream, 'day', 'uptime')).rows).toEqual([
      [name('a'), 3 * 3600, 1],
      [name('b'), 2 * 3600, 2],
    ]);
    expect((await q(stream, 'week', 'uptime')).rows).toEqual([
      [name('b'), 4 * 3600, 1],
      [name('a'), 3 * 3600, 2],
    ]);
    const allUptime = (await q(stream, 'all', 'uptime')).rows;
    expect(allUptime.map((r) => r.slice(1))).toEqual([
      [4 * 3600, 1],
      [4 * 3600, 1],
      [3 * 3600, 3],
    ]);
    expect(new Set(allUptime.slice(0, 2).map((r) => r[0]))).toEqual(
      new Set([name('b'), name('c')]),
    );
    for (let i = 0; i < 3; i++) expect((await q(stream, 'all', 'uptime')).rows).toEqual(allUptime);

    // Points of the window on this stream (A's 1,000 on another streamer's stream do not count).
    expect((await q(stream, 'day', 'points')).rows).toEqual([
      [name('b'), 50, 1],
      [name('a'), 30, 2],
    ]);
    expect((await q(stream, 'week', 'points')).rows).toEqual([
      [name('p'), 120, 1],
      [name('b'), 50, 2],
      [name('a'), 30, 3],
    ]);
    const all = await q(stream, 'all', 'points');
    expect(all.rows).toEqual([
      [name('p'), 120, 1],
      [name('a'), 100, 2],
      [name('b'), 50, 3],
    ]);
    expect(all.body).toMatchObject({
      scope: 'stream',
      id: s,
      window: 'all',
      metric: 'points',
      unit: 'points',
      from: new Date(0).toISOString(),
      to: new Date(NOW).toISOString(),
    });
    expect((await q(stream, 'week', 'uptime')).body.from).toBe(new Date(MONDAY).toISOString());
  });

  it('leaves held credit out until released, and names nobody by id or address', async () => {
    const { api, db, s, x, id, name, holdId, tag, clock } = await population(t);
    const path = `/api/streams/${s}/leaderboard?window=day&metric=data_served`;
    const first = await board(api, path);
    expect(first.rows.map((r) => r[0])).not.toContain(name('h'));
    const bodies = [first.body];
    for (const scope of [`streams/${s}`, `streamers/${x.streamerId}`]) {
      for (const metric of ['data_served', 'uptime', 'points']) {
        for (const window of ['day', 'week', 'all']) {
          bodies.push(
            (
              await board(
                api,
                `/api/${scope}/leaderboard?window=${window}&metric=${metric}&limit=100`,
              )
            ).body,
          );
        }
      }
    }
    const text = JSON.stringify(bodies);
    expect(text).not.toContain(tag);
    expect(text).not.toContain('198.51.100');
    expect(text).not.toMatch(/net-\d|addr-/);

    // Released, H's credit counts again (after the 15 s cache).
    await db
      .updateTable('trust_holds')
      .set({ status: 'released' })
      .where('id', '=', holdId)
      .execute();
    clock.advance(16_000);
    expect((await board(api, path)).rows[0]).toEqual([name('h'), 1_000_000, 1]);
    expect(id('h')).toContain(tag);
  });

  it('moves with the clock across the day and week boundaries', async () => {
    const { api, clock, s, name } = await population(t);
    const path = (w: string) => `/api/streams/${s}/leaderboard?window=${w}&metric=data_served`;
    // Thursday 00:00: yesterday's credit leaves the day board, stays on the week's; Y, 12 h old
    // now, is payable, and its credit counts as a later close would settle it.
    clock.advance(Date.parse('2026-11-26T00:00:00Z') - NOW);
    expect((await board(api, path('day'))).rows).toEqual([]);
    expect((await board(api, path('week'))).rows.slice(0, 2)).toEqual([
      [name('y'), 900_000, 1],
      [name('b'), 750_000, 2],
    ]);
    // Monday 30 November 00:00: a new week.
    clock.advance(Date.parse('2026-11-30T00:00:00Z') - clock.now());
    expect((await board(api, path('week'))).rows).toEqual([]);
    expect((await board(api, path('all'))).rows).toHaveLength(4);
  });

  it('says where the signed-in viewer stands, and validates', async () => {
    const { api, s, name, bToday } = await population(t);
    const base = `/api/streams/${s}/leaderboard?window=day&metric=data_served`;
    const mine = await api.get<LeaderboardResponse>(`${base}&viewerId=${bToday.viewerId}`, {
      token: bToday.secret,
    });
    expect(mine.status).toBe(200);
    expect(mine.body.you).toEqual({ name: name('b'), rank: 2, value: 250_000 });
    expect(mine.body.entries.map((e) => e.you)).toEqual([false, true]);
    expect(mine.headers.get('cache-control')).toBe('private, no-store');
    const limited = await api.get(`${base}&limit=1&viewerId=${bToday.viewerId}`, {
      token: bToday.secret,
    });
    expect(limited.body.entries).toHaveLength(1);
    expect(limited.body.you.rank).toBe(2);
    // Another viewer's secret, or none: refused.
    expect((await api.get(`${base}&viewerId=${bToday.viewerId}`)).status).toBe(401);
    expect((await api.get(`${base}&viewerId=someone-else`, { token: bToday.secret })).status).toBe(
      401,
    );
    // Bad input.
    for (const bad of ['window=month', 'metric=likes', 'limit=0', 'limit=101', 'limit=x']) {
      const res = await api.get(`/api/streams/${s}/leaderboard?${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    }
    expect((await api.get('/api/streams/nope/leaderboard')).status).toBe(404);
    expect((await api.get('/api/streamers/nope/leaderboard')).status).toBe(404);
    const defaults = await api.get(`/api/streams/${s}/leaderboard`);
    expect(defaults.body).toMatchObject({ window: 'week', metric: 'data_served', unit: 'bytes' });
    expect(defaults.headers.get('cache-control')).toBe('public, max-age=15');
  });
});
