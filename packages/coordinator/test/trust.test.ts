/**
 * Reputation and collusion review against the real coordinator: an honest swarm (a supporter
 * serving viewers on distinct networks who play) is never held and its credit becomes payable
 * as reputation grows, never within the first hour; a receipt farm (sessions on two addresses of
 * one network serving each other, nobody playing) is held with its reasons, its credit frozen
 * but kept, and a reviewer releases or voids it through the authenticated admin endpoints.
 */
import { bytesToHex, merkleProof, type ReceiptBody } from '@streamrp2p/protocol';
import { sql, type Kysely } from 'kysely';
import { expect, it, vi } from 'vitest';
import type { DB } from '../src/db/schema.js';
import type { CoordinatorOptions } from '../src/index.js';
import { viewerCreditedBytes } from '../src/receipts/credit-reads.js';
import { reputationOf } from '../src/trust/reputation.js';
import {
  reputationFacts,
  reputationFactsOf,
  reputationsOf,
  viewerReputation,
} from '../src/trust/viewer-reputation.js';
import { manualClock, startCoordinator, type Api } from './api.js';
import { describeWithDatabases, type TestDatabase } from './databases.js';
import {
  createSession,
  createStream,
  createStreamer,
  postReceipts,
  receiptBody,
  receiptFor,
  seedSegment,
  type SeededSegment,
  type TestSession,
} from './fixtures.js';

const ADMIN_KEY = 'test-admin-key-0123456789';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let networks = 0;
/** An address on a /24 of its own, so sessions count as distinct networks. */
function ownNetwork(): string {
  networks++;
  return `198.${18 + ((networks >> 8) & 1)}.${networks & 255}.10`;
}

describeWithDatabases('reputation and collusion review', (t: TestDatabase) => {
  async function setup(options: CoordinatorOptions = {}) {
    const clock = manualClock();
    const started = await startCoordinator(t, {
      clock: clock.now,
      indexerEnabled: false,
      collusionIntervalMs: 0,
      adminApiKey: ADMIN_KEY,
      // Sessions stay live while the test moves the clock by hours.
      sessionTtlSeconds: 7 * 24 * 3600,
      ...options,
    });
    const { apiKey } = await createStreamer(started.api);
    const stream = await createStream(started.api, apiKey);
    return { ...started, clock, streamId: stream.streamId };
  }

  /** Receipts in which `receiver` got each of `segments` from `uploader`. */
  async function serve(
    api: Api,
    streamId: string,
    uploader: TestSession,
    receiver: TestSession,
    segments: SeededSegment[],
  ) {
    const receipts: ReceiptBody[] = segments.map((s) =>
      receiptBody({ ...receiptFor(uploader, s, streamId) }),
    );
    const res = await postReceipts(api, receiver, receipts);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.credited, JSON.stringify(res.body)).toBe(segments.length);
  }

  const credit = async (api: Api, viewerId: string) => {
    const res = await api.get(`/api/viewers/${viewerId}/credit`);
    expect(res.status).toBe(200);
    return res.body;
  };

  /**
   * Delivery times on the receipts crediting `viewerId`, cycling through `ms` in receipt order:
   * what the receipts route stores from the receiver's `deliveryMs`, written here directly so
   * the figures are exact.
   */
  async function reportDeliveryTimes(db: Kysely<DB>, viewerId: string, ms: (number | null)[]) {
    await sql`
      update receipts r set delivery_ms = (${ms}::int[])[1 + ((n.k - 1) % ${ms.length})::int]
      from (select id, row_number() over (order by id) as k from receipts
        where uploader_viewer_id = ${viewerId}) n
      where r.id = n.id`.execute(db);
  }

  /** A 60 s watch heartbeat of `session`; answers the points response. */
  async function heartbeat(api: Api, clock: { now: () => number }, session: TestSession) {
    const res = await api.post(
      '/api/viewers/points',
      {
        viewer_id: session.viewerId,
        stream_id: session.streamId,
        action: 'watch_time',
        duration_seconds: 60,
        timestamp: clock.now(),
      },
      { token: session.sessionSecret },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }

  /** Polls the uploader's challenges and answers each correctly, `count` times. */
  async function passChallenges(
    api: Api,
    uploader: TestSession,
    segments: SeededSegment[],
    count: number,
  ) {
    const auth = { token: uploader.sessionSecret };
    for (let i = 0; i < count; i++) {
      const polled = await api.get(`/api/sessions/${uploader.sessionId}/challenges`, auth);
      expect(polled.status).toBe(200);
      const challenge = polled.body.challenges[0];
      expect(challenge, `challenge ${i}`).toBeDefined();
      const segment = segments.find((s) => s.sequence === challenge.sequence)!;
      const answered = await api.post(
        `/api/sessions/${uploader.sessionId}/challenges/${challenge.challengeId}`,
        {
          leafHash: bytesToHex(segment.tree.levels[0]![challenge.leafIndex]!),
          siblings: merkleProof(segment.tree, challenge.leafIndex).siblings.map(bytesToHex),
        },
        auth,
      );
      expect(answered.body.passed).toBe(true);
    }
  }

  /** A farm: `perAddress` sessions on each of two addresses of one /24, serving each other. */
  async function farm(api: Api, streamId: string, addresses: [string, string], perAddress = 3) {
    const a: TestSession[] = [];
    const b: TestSession[] = [];
    for (let i = 0; i < perAddress; i++) {
      a.push(await createSession(api, streamId, { ip: addresses[0] }));
      b.push(await createSession(api, streamId, { ip: addresses[1] }));
    }
    return { a, b, all: [...a, ...b] };
  }

  async function runFarm(
    api: Api,
    streamId: string,
    sides: { a: TestSession[]; b: TestSession[] },
    segments: SeededSegment[],
  ) {
    const n = sides.a.length;
    for (let i = 0; i < n; i++) {
      // Each receiver claims every segment once, half from each of two partners.
      const half = Math.ceil(segments.length / 2);
      await serve(api, streamId, sides.a[i]!, sides.b[i]!, segments.slice(0, half));
      await serve(api, streamId, sides.a[(i + 1) % n]!, sides.b[i]!, segments.slice(half));
      await serve(api, streamId, sides.b[i]!, sides.a[i]!, segments.slice(0, half));
      await serve(api, streamId, sides.b[(i + 1) % n]!, sides.a[i]!, segments.slice(half));
    }
  }

  it('an honest swarm is not held; its supporter becomes payable as reputation grows, never in the first hour', async () => {
    const { api, coordinator, clock, streamId } = await setup();
    const supporter = await createSession(api, streamId, { ip: ownNetwork() });
    const viewers: TestSession[] = [];
    for (let i = 0; i < 4; i++)
      viewers.push(await createSession(api, streamId, { ip: ownNetwork() }));
    const segments: SeededSegment[] = [];
    for (let seq = 0; seq < 8; seq++)
      segments.push(await seedSegment(coordinator.db, streamId, seq, { byteLength: 40_000 }));
    // The supporter serves every viewer; two viewers serve each other one segment.
    for (const [i, viewer] of viewers.entries())
      await serve(api, streamId, supporter, viewer, segments.slice(i * 2, i * 2 + 2));
    await serve(api, streamId, viewers[0]!, viewers[1]!, [segments[6]!]);
    await serve(api, streamId, viewers[1]!, viewers[0]!, [segments[7]!]);
    await reportDeliveryTimes(coordinator.db, supporter.viewerId, [700, 800, 900]);
    await passChallenges(api, supporter, segments, 4);

    clock.advance(4 * MINUTE);
    for (const viewer of viewers) await heartbeat(api, clock, viewer);
    // Its credit makes the supporter a supporter for points.
    expect((await heartbeat(api, clock, supporter)).multiplier).toBe(5);
    const run = await coordinator.detectCollusion();
    expect(run).toMatchObject({ ran: true, holds: 0, heldSessions: 0 });
    expect(run.judged).toBeGreaterThanOrEqual(3);

    const early = await credit(api, supporter.viewerId);
    expect(early).toMatchObject({
      viewerId: supporter.viewerId,
      creditedBytes: 8 * 40_000,
      payableBytes: 0,
      frozenBytes: 0,
      pendingReviewBytes: 0,
    });
    expect(early.reputation).toBeGreaterThan(0);
    expect(early.reputation).toBeLessThan(0.7);
    expect(early.reputationParts.diversity).toBeCloseTo(4 / 5, 4);
    // The median delivery of 800 ms: (5000 - 800) / 4500.
    expect(early.reputationParts.latency).toBeCloseTo(0.9333, 4);
    // (4 passes + 8 deliveries / 100) / (4.08 + 2).
    expect(early.reputationParts.success).toBeCloseTo(0.6711, 4);

    // 59 minutes in, seen throughout: still below the threshold, nothing payable.
    clock.advance(55 * MINUTE);
    await api.post(`/api/sessions/${supporter.sessionId}/token`, undefined, {
      token: supporter.sessionSecret,
    });
    const hour = await credit(api, supporter.viewerId);
    expect(hour.reputation).toBeLessThan(0.7);
    expect(hour.reputation).toBeLessThanOrEqual(0.425);
    expect(hour.payableBytes).toBe(0);
    expect(hour.reputationParts.uptime).toBeGreaterThan(early.reputationParts.uptime);
    expect(hour.reputationParts.age).toBeGreaterThan(early.reputationParts.age);

    // Thirteen hours in, still live: payable, all of it.
    clock.advance(12 * HOUR);
    await api.post(`/api/sessions/${supporter.sessionId}/token`, undefined, {
      token: supporter.sessionSecret,
    });
    const summary = await api.get(`/api/sessions/${supporter.sessionId}`, {
      token: supporter.sessionSecret,
    });
    const grown = await credit(api, supporter.viewerId);
    expect(grown.reputation).toBeGreaterThanOrEqual(0.7);
    expect(grown.reputationParts).toMatchObject({ uptime: 1, age: 1 });
    expect(grown.payableBytes).toBe(grown.creditedBytes);
    expect(summary.body.reputation).toBe(grown.reputation);
    // Still nothing held, and the job judges the same window the same way later.
    expect((await coordinator.detectCollusion()).holds).toBe(0);
  });

  it('a receipt farm is held with its reasons, its credit frozen and kept', async () => {
    const { api, coordinator, clock, streamId } = await setup();
    const sides = await farm(api, streamId, ['127.0.0.1', '127.0.0.2']);
    const segments: SeededSegment[] = [];
    for (let seq = 0; seq < 6; seq++)
      segments.push(await seedSegment(coordinator.db, streamId, seq, { byteLength: 30_000 }));
    await runFarm(api, streamId, sides, segments);
    // An honest pair elsewhere in the same stream, for contrast.
    const supporter = await createSession(api, streamId, { ip: ownNetwork() });
    const viewer = await createSession(api, streamId, { ip: ownNetwork() });
    await serve(api, streamId, supporter, viewer, segments.slice(0, 2));

    // Within the playback grace nobody is judged on playback: not enough to hold.
    expect((await coordinator.detectCollusion()).holds).toBe(0);
    clock.advance(5 * MINUTE);
    await heartbeat(api, clock, viewer);
    const before = await Promise.all(sides.all.map((s) => credit(api, s.viewerId)));
    const run = await coordinator.detectCollusion();
    expect(run).toMatchObject({ ran: true, holds: 1, heldSessions: 6 });

    const listed = await api.get('/api/admin/holds?status=held', { token: ADMIN_KEY });
    expect(listed.status).toBe(200);
    const holds = listed.body.holds.filter((h: { streamId: string }) => h.streamId === streamId);
    expect(holds).toHaveLength(1);
    const hold = holds[0];
    expect(hold).toMatchObject({ streamId, status: 'held', decidedAt: null });
    expect(hold.score).toBeGreaterThanOrEqual(3);
    expect(hold.reasons.map((r: { code: string }) => r.code).sort()).toEqual([
      'NO_PLAYBACK',
      'RECIPROCAL',
      'SAME_NETWORK',
    ]);
    expect(hold.reasons[0].message).toMatch(/^6 of 6 sessions; e\.g\. /);
    expect(hold.sessions.map((s: { sessionId: string }) => s.sessionId).sort()).toEqual(
      sides.all.map((s) => s.sessionId).sort(),
    );
    const farmBytes = before.reduce((sum, c) => sum + c.creditedBytes, 0);
    expect(farmBytes).toBe(6 * 6 * 30_000);
    expect(hold.creditedBytes).toBe(farmBytes);

    for (const [i, session] of sides.all.entries()) {
      const now = await credit(api, session.viewerId);
      expect(now.creditedBytes).toBe(before[i].creditedBytes);
      expect(now).toMatchObject({
        payableBytes: 0,
        frozenBytes: now.creditedBytes,
        pendingReviewBytes: now.creditedBytes,
      });
    }
    // Frozen credit earns no supporter multiplier.
    expect((await heartbeat(api, clock, sides.a[0]!)).multiplier).toBe(1);
    // The honest pair is untouched; the ledger itself never changes.
    expect((await credit(api, supporter.viewerId)).frozenBytes).toBe(0);
    await coordinator.flushCredits();
    expect(await viewerCreditedBytes(coordinator.db, sides.a[0]!.viewerId)).toBe(
      before[0].creditedBytes,
    );
    // Credit earned while held is frozen too, and a held session is not held twice.
    const more = await seedSegment(coordinator.db, streamId, 6, { byteLength: 30_000 });
    await serve(api, streamId, sides.a[0]!, sides.b[1]!, [more]);
    const later = await credit(api, sides.a[0]!.viewerId);
    expect(later.frozenBytes).toBe(later.creditedBytes);
    expect(later.creditedBytes).toBe(before[0].creditedBytes + 30_000);
    expect((await coordinator.detectCollusion()).holds).toBe(0);
    const text = await (await fetch(`${api.url}/metrics`)).text();
    expect(text).toMatch(/streamrp2p_coordinator_trust_holds_total\{reason="NO_PLAYBACK"\} 1/);
    expect(text).toMatch(/streamrp2p_coordinator_trust_held_sessions_total 6/);
  });

  it('a reviewer releases or voids a hold; the endpoints need the admin key', async () => {
    const { api, coordinator, clock, streamId } = await setup();
    const first = await farm(api, streamId, ['127.0.0.1', '127.0.0.2'], 2);
    const second = await farm(api, streamId, ['127.0.1.1', '127.0.1.2'], 2);
    const segments: SeededSegment[] = [];
    for (let seq = 0; seq < 4; seq++)
      segments.push(await seedSegment(coordinator.db, streamId, seq, { byteLength: 20_000 }));
    await runFarm(api, streamId, first, segments);
    await runFarm(api, streamId, second, segments);
    clock.advance(5 * MINUTE);
    expect(await coordinator.detectCollusion()).toMatchObject({ holds: 2, heldSessions: 8 });

    // Authentication: no key, a wrong key, then the right one.
    expect((await api.get('/api/admin/holds')).status).toBe(401);
    const wrong = await api.get('/api/admin/holds', { token: 'not-the-admin-key-000' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('UNAUTHORIZED');
    // The file's tests share a database: look at this stream's holds only.
    type ListedHold = { streamId: string; holdId: string; sessions: { sessionId: string }[] };
    const ofStream = (list: ListedHold[]) => list.filter((h) => h.streamId === streamId);
    const holds = ofStream((await api.get('/api/admin/holds', { token: ADMIN_KEY })).body.holds);
    expect(holds).toHaveLength(2);
    const holdOf = (side: { all: TestSession[] }): string => {
      const hold = holds.find((h) =>
        h.sessions.some((s) => s.sessionId === side.all[0]!.sessionId),
      );
      if (hold === undefined) throw new Error('no hold holds this side');
      return hold.holdId;
    };
    const released = holdOf(first);
    const voided = holdOf(second);
    const refused = await api.post(`/api/admin/holds/${released}/release`, undefined, {
      token: 'not-the-admin-key-000',
    });
    expect(refused.status).toBe(401);

    const release = await api.post(`/api/admin/holds/${released}/release`, undefined, {
      token: ADMIN_KEY,
    });
    expect(release.status).toBe(200);
    expect(release.body).toMatchObject({ holdId: released, status: 'released' });
    expect(release.body.decidedAt).toBe(new Date(clock.now()).toISOString());
    const freed = await credit(api, first.a[0]!.viewerId);
    expect(freed.creditedBytes).toBeGreaterThan(0);
    // No longer frozen, but not payable either: reputation is still far too young.
    expect(freed).toMatchObject({ frozenBytes: 0, pendingReviewBytes: 0, payableBytes: 0 });
    expect(freed.reputation).toBeLessThan(0.7);

    const voidRes = await api.post(`/api/admin/holds/${voided}/void`, undefined, {
      token: ADMIN_KEY,
    });
    expect(voidRes.body).toMatchObject({ holdId: voided, status: 'voided' });
    const gone = await credit(api, second.a[0]!.viewerId);
    expect(gone.creditedBytes).toBeGreaterThan(0);
    expect(gone).toMatchObject({
      frozenBytes: gone.creditedBytes,
      pendingReviewBytes: 0,
      payableBytes: 0,
    });

    // Deciding again the same way answers the hold; the other way is a conflict.
    expect(
      (await api.post(`/api/admin/holds/${voided}/void`, undefined, { token: ADMIN_KEY })).status,
    ).toBe(200);
    const conflict = await api.post(`/api/admin/holds/${voided}/release`, undefined, {
      token: ADMIN_KEY,
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('HOLD_DECIDED');
    const missing = await api.post('/api/admin/holds/no-such-hold/void', undefined, {
      token: ADMIN_KEY,
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('HOLD_NOT_FOUND');
    const byStatus = await api.get('/api/admin/holds?status=voided', { token: ADMIN_KEY });
    expect(ofStream(byStatus.body.holds).map((h) => h.holdId)).toEqual([voided]);
    expect((await api.get('/api/admin/holds?status=nope', { token: ADMIN_KEY })).status).toBe(400);
    // A released session is not held again for the same receipts.
    expect((await coordinator.detectCollusion()).holds).toBe(0);
  });

  it('the job runs on its own every collusionIntervalMs', async () => {
    const { api, coordinator, clock, streamId } = await setup({ collusionIntervalMs: 50 });
    const sides = await farm(api, streamId, ['127.0.3.1', '127.0.3.2'], 2);
    const segments: SeededSegment[] = [];
    for (let seq = 0; seq < 4; seq++)
      segments.push(await seedSegment(coordinator.db, streamId, seq, { byteLength: 10_000 }));
    await runFarm(api, streamId, sides, segments);
    clock.advance(5 * MINUTE);
    await vi.waitFor(
      async () => {
        const frozen = await credit(api, sides.a[0]!.viewerId);
        expect(frozen.pendingReviewBytes).toBeGreaterThan(0);
        expect(frozen.pendingReviewBytes).toBe(frozen.creditedBytes);
      },
      { timeout: 15_000, interval: 50 },
    );
    const text = await (await fetch(`${api.url}/metrics`)).text();
    expect(text).toMatch(
      /streamrp2p_coordinator_collusion_run_seconds_count\{result="ran"\} [1-9]/,
    );
  });

  it('two coordinators on one database running the job at once hold a farm once', async () => {
    const { api, coordinator, clock, streamId } = await setup();
    const other = await startCoordinator(t, {
      clock: clock.now,
      indexerEnabled: false,
      collusionIntervalMs: 0,
      adminApiKey: ADMIN_KEY,
      sessionTtlSeconds: 7 * 24 * 3600,
    });
    const sides = await farm(api, streamId, ['127.0.2.1', '127.0.2.2']);
    const segments: SeededSegment[] = [];
    for (let seq = 0; seq < 4; seq++)
      segments.push(await seedSegment(coordinator.db, streamId, seq, { byteLength: 10_000 }));
    await runFarm(api, streamId, sides, segments);
    clock.advance(5 * MINUTE);
    const runs = await Promise.all([
      coordinator.detectCollusion(),
      other.coordinator.detectCollusion(),
      coordinator.detectCollusion(),
    ]);
    expect(runs.reduce((n, r) => n + r.holds, 0)).toBe(1);
    expect(runs.reduce((n, r) => n + r.heldSessions, 0)).toBe(6);
    const listed = await other.api.get('/api/admin/holds', { token: ADMIN_KEY });
    const ofStream = listed.body.holds.filter((h: { streamId: string }) => h.streamId === streamId);
    expect(ofStream).toHaveLength(1);
    expect(ofStream[0].sessions).toHaveLength(6);
  });

  it('without ADMIN_API_KEY the review endpoints answer 403 ADMIN_DISABLED', async () => {
    const { api } = await setup({ adminApiKey: undefined });
    for (const res of [
      await api.get('/api/admin/holds', { token: ADMIN_KEY }),
      await api.post('/api/admin/holds/x/release', undefined, { token: ADMIN_KEY }),
      await api.post('/api/admin/holds/x/void'),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('ADMIN_DISABLED');
    }
  });

  it('reads reputation from the database: live time as a union, failed and expired challenges, foreign receiver networks', async () => {
    const { api, coordinator, clock, streamId } = await setup();
    const t0 = clock.now();
    const home = ownNetwork();
    const neighbour = home.replace(/\.10$/, '.11');
    const a = await createSession(api, streamId, { ip: home });
    const receivers = [
      await createSession(api, streamId, { ip: ownNetwork() }),
      await createSession(api, streamId, { ip: ownNetwork() }),
      // Another address of its own network: credited, but no diversity.
      await createSession(api, streamId, { ip: neighbour }),
    ];
    const segments: SeededSegment[] = [];
    for (let seq = 0; seq < 5; seq++)
      segments.push(await seedSegment(coordinator.db, streamId, seq, { byteLength: 20_000 }));
    await serve(api, streamId, a, receivers[0]!, segments.slice(0, 2));
    await serve(api, streamId, a, receivers[1]!, segments.slice(2, 4));
    await serve(api, streamId, a, receivers[2]!, segments.slice(4));
    // One receiver reported no delivery time: the median is of the other four.
    await reportDeliveryTimes(coordinator.db, a.viewerId, [3000, 1000, null, 2000, 4000]);
    const auth = { token: a.sessionSecret };
    const first = (await api.get(`/api/sessions/${a.sessionId}/challenges`, auth)).body
      .challenges[0];
    const wrong = await api.post(
      `/api/sessions/${a.sessionId}/challenges/${first.challengeId}`,
      { leafHash: '0'.repeat(64), siblings: [] },
      auth,
    );
    expect(wrong.body.passed).toBe(false);
    // A second challenge, left unanswered until it expires (300 s).
    expect(
      (await api.get(`/api/sessions/${a.sessionId}/challenges`, auth)).body.challenges,
    ).toHaveLength(1);

    const touch = (session: TestSession) =>
      api.post(`/api/sessions/${session.sessionId}/token`, undefined, {
        token: session.sessionSecret,
      });
    clock.advance(5 * MINUTE);
    const b = await createSession(api, streamId, { ip: home, viewerId: a.viewerId });
    clock.advance(5 * MINUTE);
    await touch(a); // a: [0, 10 min]
    clock.advance(10 * MINUTE);
    await touch(b); // b: [5, 20 min], overlapping a
    clock.advance(40 * MINUTE);
    const c = await createSession(api, streamId, { ip: home, viewerId: a.viewerId });
    clock.advance(10 * MINUTE);
    await touch(c); // c: [60, 70 min]

    const facts = await reputationFacts(coordinator.db, a.viewerId, new Date(clock.now()));
    expect(facts).toEqual({
      firstSessionAt: t0,
      liveMs: 30 * MINUTE,
      challengesPassed: 0,
      challengesFailed: 1,
      challengesExpired: 1,
      receiptsVerified: 5,
      deliveryMedianMs: 2500,
      receiverNetworks: 2,
    });
    const expected = reputationOf(facts, clock.now());
    const read = await credit(api, a.viewerId);
    expect(read.reputation).toBe(expected.reputation);
    expect(read.reputationParts).toEqual(expected.parts);
    // (0 + 5/100) / (0.05 + 3 x 2 + 2); (5000 - 2500) / 4500.
    expect(read.reputationParts.success).toBe(0.0062);
    expect(read.reputationParts.latency).toBe(0.5556);
    const summary = await api.get(`/api/sessions/${c.sessionId}`, { token: c.sessionSecret });
    expect(summary.body.reputation).toBe(expected.reputation);

    // Read together, every viewer's facts are what it has read alone.
    const now = new Date(clock.now());
    const ids = [a.viewerId, ...receivers.map((r) => r.viewerId), 'nobody-2', a.viewerId];
    const together = await reputationFactsOf(coordinator.db, ids, now);
    const reputations = await reputationsOf(coordinator.db, ids, now);
    expect([...together.keys()].sort()).toEqual([...new Set(ids)].sort());
    for (const id of new Set(ids)) {
      expect(together.get(id)).toEqual(await reputationFacts(coordinator.db, id, now));
      expect(reputations.get(id)).toEqual({
        ...(await viewerReputation(coordinator.db, id, now)),
        firstSessionAt: together.get(id)!.firstSessionAt,
      });
    }
    expect(reputations.get(a.viewerId)).toMatchObject({ reputation: expected.reputation });
    expect(reputations.get('nobody-2')).toEqual({
      reputation: 0,
      parts: { uptime: 0, latency: 0, success: 0, diversity: 0, age: 0 },
      firstSessionAt: undefined,
    });
    expect((await reputationsOf(coordinator.db, [], now)).size).toBe(0);
  });

  it('takes the delivery median over the 500 most recent receipts that report a time', async () => {
    const { api, coordinator, clock, streamId } = await setup();
    const uploader = await createSession(api, streamId, { ip: ownNetwork() });
    const receiver = await createSession(api, streamId, { ip: ownNetwork() });
    // Oldest first: 300 at 4 s, 250 at 100 ms, 250 at 1 s, then 100 without a time. The 500
    // most recent with a time are 250 at 100 ms and 250 at 1 s: a median of 550 ms (all 800
    // would give 1 s; the 500 most recent counting the untimed ones, 1 s).
    await sql`
      insert into receipts (stream_id, rendition, sequence, receiver_viewer_id,
        receiver_session_id, uploader_session_id, uploader_viewer_id, byte_length, signed_at,
        credited_at, delivery_ms)
      select ${streamId}, 'seeded', g, ${receiver.viewerId}, ${receiver.sessionId},
        ${uploader.sessionId}, ${uploader.viewerId}, 16384, ${clock.now()},
        ${new Date(clock.now())}::timestamptz + g * interval '1 second',
        case when g <= 300 then 4000 when g <= 550 then 100 when g <= 800 then 1000 end
      from generate_series(1, 900) g`.execute(coordinator.db);
    const now = new Date(clock.now() + HOUR);
    const facts = await reputationFacts(coordinator.db, uploader.viewerId, now);
    expect(facts).toMatchObject({
      receiptsVerified: 900,
      deliveryMedianMs: 550,
      receiverNetworks: 1,
    });
    expect(
      (await reputationFactsOf(coordinator.db, [uploader.viewerId], now)).get(uploader.viewerId),
    ).toEqual(facts);
    expect((await credit(api, uploader.viewerId)).reputationParts.latency).toBe(0.9889);

    // A large set (read with JIT off) gives the same facts, also inside the caller's
    // transaction, whose JIT setting is left as it was.
    const many = [uploader.viewerId, ...Array.from({ length: 150 }, (_, i) => `unknown-${i}`)];
    const large = await reputationFactsOf(coordinator.db, many, now);
    expect(large.size).toBe(151);
    expect(large.get(uploader.viewerId)).toEqual(facts);
    expect(large.get('unknown-7')).toMatchObject({
      receiptsVerified: 0,
      firstSessionAt: undefined,
    });
    await coordinator.db.transaction().execute(async (trx) => {
      const jit = async () =>
        (await sql<{ jit: string }>`select current_setting('jit') as jit`.execute(trx)).rows[0]
          ?.jit;
      const before = await jit();
      expect((await reputationFactsOf(trx, many, now)).get(uploader.viewerId)).toEqual(facts);
      expect(await jit()).toBe(before);
    });
  });

  it('an unknown viewer has no credit and no reputation', async () => {
    const { api } = await setup();
    expect(await credit(api, 'nobody-1')).toEqual({
      viewerId: 'nobody-1',
      creditedBytes: 0,
      payableBytes: 0,
      frozenBytes: 0,
      pendingReviewBytes: 0,
      reputation: 0,
      reputationParts: { uptime: 0, latency: 0, success: 0, diversity: 0, age: 0 },
    });
    expect((await api.get('/api/viewers/bad%20id/credit')).status).toBe(400);
  });
});
