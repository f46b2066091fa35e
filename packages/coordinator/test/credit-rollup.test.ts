/**
 * The credit roll-up: receipts are credited once however they are posted, reads are exact before
 * any roll-up, a crash (or a stop) between insert and roll-up loses nothing, and coordinators
 * sharing one PostgreSQL roll up without counting anything twice.
 */
import { fileURLToPath } from 'node:url';
import type { ReceiptBody } from '@streamrp2p/protocol';
import { sql, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { runPackageCli } from '../../../test/support/cli.js';
import { openDatabase, type DB } from '../src/index.js';
import { ROLLUP_LOCK_KEY, rollUpCredits } from '../src/receipts/credit-rollup.js';
import { sessionCreditedBytes, viewerCreditedBytes } from '../src/receipts/credit-reads.js';
import { Api, startCoordinator, TRACKER_SECRET } from './api.js';
import { describeWithDatabases } from './databases.js';
import {
  createSession,
  createStream,
  createStreamer,
  receiptFor,
  seedSegment,
  receiptBody,
  signBatch,
  type SeededSegment,
  type TestSession,
} from './fixtures.js';

/** Whether the stream's counters add up to its receipts, and what is still pending. */
async function ledger(db: Kysely<DB>, streamId: string) {
  const { rows } = await sql<{
    receiptBytes: number;
    sessionBytes: number;
    sessionMismatches: number;
    viewerMismatches: number;
    pendingRows: number;
  }>`
    select
      (select coalesce(sum(byte_length), 0)::bigint from receipts where stream_id = ${streamId})
        as "receiptBytes",
      (select coalesce(sum(credited_bytes), 0)::bigint from sessions where stream_id = ${streamId})
        as "sessionBytes",
      (select count(*)::int from sessions s where s.stream_id = ${streamId}
        and s.credited_bytes <> coalesce(
          (select sum(byte_length) from receipts r where r.uploader_session_id = s.id), 0))
        as "sessionMismatches",
      (select count(*)::int from (
          select uploader_viewer_id as viewer_id, sum(byte_length) as bytes from receipts
          where stream_id = ${streamId} group by uploader_viewer_id
        ) as owed left join supporter_credits c on c.viewer_id = owed.viewer_id
        where coalesce(c.credited_bytes, 0) <> owed.bytes) as "viewerMismatches",
      (select count(*)::int from pending_credits p join sessions s on s.id = p.session_id
        where s.stream_id = ${streamId}) as "pendingRows"`.execute(db);
  return rows[0]!;
}

/** The uploader's rolled-up counters as stored, without what is pending. */
async function storedCounters(db: Kysely<DB>, uploader: TestSession) {
  const session = await db
    .selectFrom('sessions')
    .select('credited_bytes')
    .where('id', '=', uploader.sessionId)
    .executeTakeFirstOrThrow();
  const viewer = await db
    .selectFrom('supporter_credits')
    .select('credited_bytes')
    .where('viewer_id', '=', uploader.viewerId)
    .executeTakeFirst();
  return { session: session.credited_bytes, viewer: viewer?.credited_bytes ?? 0 };
}

describeWithDatabases('credit roll-up', (t) => {
  async function stream(api: Api, db: Kysely<DB>, segmentCount: number) {
    const { apiKey } = await createStreamer(api);
    const created = await createStream(api, apiKey);
    const segments: SeededSegment[] = [];
    for (let seq = 0; seq < segmentCount; seq++)
      segments.push(await seedSegment(db, created.streamId, seq, { byteLength: 1000 + seq }));
    const post = async (receipts: ReceiptBody[], as: TestSession, on = api) =>
      on.post('/api/receipts', await signBatch(as, receipts), { token: as.sessionSecret });
    const receiptsFor = (uploader: TestSession, of: SeededSegment[]) =>
      of.map((s) => receiptBody(receiptFor(uploader, s, created.streamId)));
    const apiCredit = async (on: Api, uploader: TestSession) => ({
      session: (
        await on.get(`/api/sessions/${uploader.sessionId}`, { token: uploader.sessionSecret })
      ).body.creditedBytes as number,
      viewer: (await on.get(`/api/viewers/${uploader.viewerId}/points`)).body
        .credited_bytes as number,
    });
    return { streamId: created.streamId, apiKey, segments, post, receiptsFor, apiCredit };
  }

  it('credits concurrent duplicate posts once, and reads are exact before any roll-up', async () => {
    const { api, coordinator } = await startCoordinator(t, {
      indexerEnabled: false,
      creditRollupIntervalMs: 0,
    });
    const { streamId, segments, post, receiptsFor, apiCredit } = await stream(
      api,
      coordinator.db,
      6,
    );
    const uploader = await createSession(api, streamId);
    const receiver = await createSession(api, streamId);
    // The same viewer in a second tab: its receipts for the same segments are duplicates.
    const otherTab = await createSession(api, streamId, { viewerId: receiver.viewerId });
    const second = await createSession(api, streamId);
    const batch = receiptsFor(uploader, segments);
    const fromOtherTab = receiptsFor(uploader, segments);
    const half = receiptsFor(uploader, segments.slice(0, 3));
    const responses = await Promise.all([
      ...[1, 2, 3, 4].map(() => post(batch, receiver)),
      post(fromOtherTab, otherTab),
      post(half, second),
      post(half, second),
    ]);
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
    const credited = responses.reduce((sum, r) => sum + r.body.credited, 0);
    const duplicates = responses.reduce((sum, r) => sum + r.body.duplicates, 0);
    expect([credited, duplicates]).toEqual([9, 4 * 6 + 6 + 2 * 3 - 9]);
    const owed =
      segments.reduce((sum, s) => sum + s.byteLength, 0) +
      segments.slice(0, 3).reduce((sum, s) => sum + s.byteLength, 0);

    // Nothing rolled up yet: the stored counters are untouched, every read is exact anyway.
    expect(await storedCounters(coordinator.db, uploader)).toEqual({ session: 0, viewer: 0 });
    expect((await ledger(coordinator.db, streamId)).pendingRows).toBeGreaterThan(0);
    expect(await apiCredit(api, uploader)).toEqual({ session: owed, viewer: owed });
    // A viewer credited a moment ago is a supporter already (5x points).
    const chat = await api.post(
      '/api/viewers/points',
      {
        viewer_id: uploader.viewerId,
        stream_id: streamId,
        action: 'chat_message',
        timestamp: Date.now(),
      },
      { token: uploader.sessionSecret },
    );
    expect([chat.status, chat.body.multiplier]).toEqual([200, 5]);

    const flushed = await coordinator.flushCredits();
    expect(flushed).toMatchObject({ ran: true, bytes: owed });
    expect(await storedCounters(coordinator.db, uploader)).toEqual({ session: owed, viewer: owed });
    expect(await apiCredit(api, uploader)).toEqual({ session: owed, viewer: owed });
    expect(await ledger(coordinator.db, streamId)).toMatchObject({
      receiptBytes: owed,
      sessionMismatches: 0,
      viewerMismatches: 0,
      pendingRows: 0,
    });
    expect(await coordinator.flushCredits()).toMatchObject({ rows: 0, bytes: 0 });
  });

  it('reads stay exact while roll-ups commit between and during them', async () => {
    const { api, coordinator } = await startCoordinator(t, {
      indexerEnabled: false,
      creditRollupIntervalMs: 0,
    });
    const { db } = coordinator;
    const { streamId, segments, post, receiptsFor, apiCredit } = await stream(api, db, 4);
    const uploaders = [await createSession(api, streamId), await createSession(api, streamId)];
    const owed = new Map<string, number>();
    // 8 receivers x 4 segments, alternating uploaders: many small pending rows.
    for (let r = 0; r < 8; r++) {
      const receiver = await createSession(api, streamId);
      for (const [i, segment] of segments.entries()) {
        const uploader = uploaders[(r + i) % 2]!;
        const res = await post(receiptsFor(uploader, [segment]), receiver);
        expect(res.body.credited).toBe(1);
        owed.set(uploader.sessionId, (owed.get(uploader.sessionId) ?? 0) + segment.byteLength);
      }
    }
    const [a, b] = uploaders as [TestSession, TestSession];
    const check = async () => {
      const [viaSql, viaApi, viewer] = await Promise.all([
        sessionCreditedBytes(db, a.sessionId),
        apiCredit(api, b),
        viewerCreditedBytes(db, a.viewerId),
      ]);
      expect([viaSql, viewer]).toEqual([owed.get(a.sessionId), owed.get(a.sessionId)]);
      expect(viaApi).toEqual({ session: owed.get(b.sessionId), viewer: owed.get(b.sessionId) });
    };
    // Between commits: one pending row rolled up at a time, every figure read after each.
    for (let i = 0; i < 16; i++) {
      expect((await rollUpCredits(db, { wait: true, maxRows: 1 })).rows).toBe(1);
      await check();
    }
    // During commits (side by side on PostgreSQL; PGlite queues them): the other 16.
    let rolling = true;
    const rollups = (async () => {
      let rows = 0;
      for (;;) {
        const result = await rollUpCredits(db, { wait: true, maxRows: 1 });
        rows += result.rows;
        if (result.rows === 0) break;
      }
      rolling = false;
      return rows;
    })();
    do await check();
    while (rolling);
    expect(await rollups).toBe(16);
    await check();
    expect(await ledger(db, streamId)).toMatchObject({
      sessionMismatches: 0,
      viewerMismatches: 0,
      pendingRows: 0,
    });
  });

  it('counts credits a stopped or crashed coordinator left pending, after a restart', async () => {
    const first = await startCoordinator(t, {
      indexerEnabled: false,
      creditRollupIntervalMs: 0,
    });
    const { streamId, segments, post, receiptsFor } = await stream(
      first.api,
      first.coordinator.db,
      5,
    );
    const uploader = await createSession(first.api, streamId);
    const receiver = await createSession(first.api, streamId);
    const res = await post(receiptsFor(uploader, segments), receiver);
    expect(res.body.credited).toBe(5);
    const owed = segments.reduce((sum, s) => sum + s.byteLength, 0);
    // No roll-up ran and close() does not run one: the database is as a crash would leave it.
    await first.coordinator.close();
    expect(await storedCounters(t.database.db, uploader)).toEqual({ session: 0, viewer: 0 });
    expect((await ledger(t.database.db, streamId)).pendingRows).toBe(1);

    // The next coordinator counts them in its reads at once, and rolls them up on its own.
    const next = await startCoordinator(t, { indexerEnabled: false });
    expect(
      (await next.api.get(`/api/viewers/${uploader.viewerId}/points`)).body.credited_bytes,
    ).toBe(owed);
    await expect
      .poll(() => storedCounters(t.database.db, uploader), { timeout: 10_000 })
      .toEqual({ session: owed, viewer: owed });
    expect(await ledger(t.database.db, streamId)).toMatchObject({
      receiptBytes: owed,
      sessionMismatches: 0,
      viewerMismatches: 0,
      pendingRows: 0,
    });
  });

  it('two coordinators on one PostgreSQL roll up without double counting', async (ctx) => {
    ctx.skip(
      t.backend === 'pglite',
      'PGlite is one connection in one process: neither a second process nor a held lock applies.',
    );
    const second = await openDatabase({ dataDir: 'unused', databaseUrl: t.url! });
    try {
      const a = await startCoordinator(t, { indexerEnabled: false, creditRollupIntervalMs: 1 });
      const b = await startCoordinator(t, {
        indexerEnabled: false,
        creditRollupIntervalMs: 1,
        database: second,
      });
      const { streamId, segments, post } = await stream(a.api, a.coordinator.db, 10);
      const uploaders = [
        await createSession(a.api, streamId),
        await createSession(b.api, streamId),
        await createSession(a.api, streamId),
      ];
      const receivers: TestSession[] = [];
      for (let i = 0; i < 6; i++) receivers.push(await createSession(b.api, streamId));
      // Each receiver's batch goes to both coordinators at once (a retry through another
      // process), while both roll up every millisecond and flush on demand too.
      const batches = await Promise.all(
        receivers.map(async (receiver, r) => ({
          receiver,
          receipts: await Promise.all(
            segments.map((s, i) =>
              receiptBody(receiptFor(uploaders[(i + r) % uploaders.length]!, s, streamId)),
            ),
          ),
        })),
      );
      const responses = await Promise.all([
        ...batches.flatMap(({ receiver, receipts }) => [
          post(receipts, receiver, a.api),
          post(receipts, receiver, b.api),
        ]),
        a.coordinator.flushCredits(),
        b.coordinator.flushCredits(),
      ]);
      const posts = responses.filter((r) => 'status' in r);
      expect(posts.map((r) => r.status)).toEqual(posts.map(() => 200));
      expect(posts.reduce((sum, r) => sum + r.body.credited, 0)).toBe(6 * 10);
      await Promise.all([a.coordinator.flushCredits(), b.coordinator.flushCredits()]);
      const totals = await ledger(t.database.db, streamId);
      expect(totals).toMatchObject({ sessionMismatches: 0, viewerMismatches: 0, pendingRows: 0 });
      expect(totals.sessionBytes).toBe(totals.receiptBytes);
      expect(totals.receiptBytes).toBe(6 * segments.reduce((sum, s) => sum + s.byteLength, 0));
    } finally {
      await second.destroy();
    }
  });

  it('runs one roll-up at a time: a tick skips while another holds the lock, a flush waits', async (ctx) => {
    ctx.skip(
      t.backend === 'pglite',
      'PGlite runs one transaction at a time: another session can never hold the roll-up lock.',
    );
    const second = await openDatabase({ dataDir: 'unused', databaseUrl: t.url! });
    try {
      const { api, coordinator } = await startCoordinator(t, {
        indexerEnabled: false,
        creditRollupIntervalMs: 0,
        database: second,
      });
      const { streamId, segments, post, receiptsFor } = await stream(api, coordinator.db, 2);
      const uploader = await createSession(api, streamId);
      const receiver = await createSession(api, streamId);
      await post(receiptsFor(uploader, segments), receiver);
      const owed = segments.reduce((sum, s) => sum + s.byteLength, 0);

      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let held!: () => void;
      const isHeld = new Promise<void>((resolve) => (held = resolve));
      // Another process's roll-up, holding the lock (on the other pool).
      const other = t.database.db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(${ROLLUP_LOCK_KEY})`.execute(trx);
        held();
        await released;
      });
      await isHeld;
      expect(await rollUpCredits(second.db, { wait: false })).toEqual({
        ran: false,
        rows: 0,
        bytes: 0,
      });
      let flushed = false;
      const flush = coordinator.flushCredits().then((result) => {
        flushed = true;
        return result;
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(flushed).toBe(false);
      expect(await storedCounters(t.database.db, uploader)).toEqual({ session: 0, viewer: 0 });
      release();
      await other;
      expect(await flush).toMatchObject({ ran: true, rows: 1, bytes: owed });
      expect(await storedCounters(t.database.db, uploader)).toEqual({
        session: owed,
        viewer: owed,
      });
    } finally {
      await second.destroy();
    }
  });

  it(
    'loses and doubles nothing when the coordinator process is killed mid-ingestion',
    { timeout: 60_000 },
    async (ctx) => {
      ctx.skip(
        t.backend === 'pglite',
        'Needs the database outside the killed process: PGlite lives inside it (its crash recovery is covered by "counts credits a stopped or crashed coordinator left pending" on both backends).',
      );
      const run = runPackageCli(fileURLToPath(new URL('..', import.meta.url)), ['--port', '0'], {
        DATABASE_URL: t.url!,
        TRACKER_SECRET,
        TRUST_PROXY: '1',
        // The test stream's URL is on loopback, which the origin policy refuses by default.
        ORIGIN_ALLOW_LIST: '127.0.0.0/8',
        // Roll-ups run back to back, so the kill can land inside one.
        CREDIT_ROLLUP_INTERVAL_MS: '1',
      });
      let killed = false;
      try {
        await expect
          .poll(() => run.output().stdout, { timeout: 30_000 })
          .toMatch(/listening on http:\S+/);
        const api = new Api(/listening on (\S+)/.exec(run.output().stdout)![1]!);
        const { streamId, segments, post, receiptsFor } = await stream(api, t.database.db, 40);
        const uploaders = [await createSession(api, streamId), await createSession(api, streamId)];
        const receivers: TestSession[] = [];
        for (let i = 0; i < 4; i++) receivers.push(await createSession(api, streamId));
        const work = await Promise.all(
          receivers.map(async (receiver, r) => {
            const batches = [];
            for (let at = 0; at < segments.length; at += 4) {
              const slice = segments.slice(at, at + 4);
              batches.push(receiptsFor(uploaders[(at / 4 + r) % 2]!, slice));
            }
            return { receiver, batches };
          }),
        );
        let answered = 0;
        const posting = Promise.all(
          work.map(async ({ receiver, batches }) => {
            for (const batch of batches) {
              const res = await post(batch, receiver).catch(() => undefined);
              if (res === undefined) return; // the process is gone
              answered++;
            }
          }),
        );
        await expect.poll(() => answered, { timeout: 20_000 }).toBeGreaterThanOrEqual(12);
        run.child.kill('SIGKILL');
        killed = true;
        await posting;
        await run.exited;

        // A fresh coordinator finishes the roll-up: every counter equals its receipts.
        const { coordinator } = await startCoordinator(t, { indexerEnabled: false });
        await coordinator.flushCredits();
        const totals = await ledger(t.database.db, streamId);
        expect(totals.receiptBytes).toBeGreaterThan(0);
        expect(totals).toMatchObject({ sessionMismatches: 0, viewerMismatches: 0, pendingRows: 0 });
        expect(totals.sessionBytes).toBe(totals.receiptBytes);
      } finally {
        if (!killed) run.child.kill('SIGKILL');
      }
    },
  );
});
