/**
 * Receipt batches that credit many uploaders at once: pending credits grouped per uploader and
 * rolled up into the session and ledger counters, concurrent batches without deadlocks,
 * per-phase timings, and heartbeats not starved by receipt inserts.
 */
import type { ReceiptBody } from '@streamrp2p/protocol';
import { expect, it } from 'vitest';
import { startCoordinator } from './api.js';
import { describeWithDatabases } from './databases.js';
import {
  createSession,
  createStream,
  createStreamer,
  receiptFor,
  seedSegment,
  postReceipts,
  receiptBody,
  type SeededSegment,
  type TestSession,
} from './fixtures.js';

describeWithDatabases('receipt batches', (t) => {
  async function setup(segmentCount: number, uploaderCount: number) {
    const started = await startCoordinator(t, { indexerEnabled: false });
    const { api, coordinator } = started;
    const { apiKey } = await createStreamer(api);
    const stream = await createStream(api, apiKey);
    const segments: SeededSegment[] = [];
    for (let seq = 0; seq < segmentCount; seq++) {
      segments.push(
        await seedSegment(coordinator.db, stream.streamId, seq, { byteLength: 1000 + seq }),
      );
    }
    const uploaders: TestSession[] = [];
    for (let i = 0; i < uploaderCount; i++)
      uploaders.push(await createSession(api, stream.streamId));
    const post = (receipts: ReceiptBody[], as: TestSession) => postReceipts(api, as, receipts);
    // The counters as the tables hold them once everything is rolled up.
    const creditedBytes = async (session: TestSession) => {
      await coordinator.flushCredits();
      return (
        await coordinator.db
          .selectFrom('sessions')
          .select('credited_bytes')
          .where('id', '=', session.sessionId)
          .executeTakeFirstOrThrow()
      ).credited_bytes;
    };
    const ledgerBytes = async (viewerId: string) => {
      await coordinator.flushCredits();
      return (
        (
          await coordinator.db
            .selectFrom('supporter_credits')
            .select('credited_bytes')
            .where('viewer_id', '=', viewerId)
            .executeTakeFirst()
        )?.credited_bytes ?? 0
      );
    };
    return { ...started, stream, segments, uploaders, post, creditedBytes, ledgerBytes };
  }

  it('credits many uploaders of one batch, keeping per-receipt codes in order', async () => {
    const { api, stream, segments, uploaders, post, creditedBytes, ledgerBytes } = await setup(
      12,
      3,
    );
    // A second session of the first uploader's viewer: its bytes add up in one ledger row.
    const sameViewer = await createSession(api, stream.streamId, {
      viewerId: uploaders[0]!.viewerId,
    });
    const all = [...uploaders, sameViewer];
    const receiver = await createSession(api, stream.streamId);
    const expected: string[] = [];
    const receipts: ReceiptBody[] = [];
    const owed = new Map<string, number>();
    for (const [i, segment] of segments.entries()) {
      const uploader = all[i % all.length]!;
      const good = receiptFor(uploader, segment, stream.streamId);
      if (i % 3 === 1) {
        receipts.push(receiptBody({ ...good, byteLength: good.byteLength + 1 }));
        expected.push('LENGTH_MISMATCH');
      } else if (i % 3 === 2) {
        receipts.push(receiptBody({ ...good, sequence: 999 }));
        expected.push('UNKNOWN_SEGMENT');
      } else {
        receipts.push(receiptBody(good));
        expected.push('credited');
        owed.set(uploader.sessionId, (owed.get(uploader.sessionId) ?? 0) + segment.byteLength);
      }
    }
    receipts.push(receipts[0]!);
    expected.push('duplicate');

    const res = await post(receipts, receiver);
    expect(res.status).toBe(200);
    expect(
      res.body.results.map((r: { code?: string; status: string }) => r.code ?? r.status),
    ).toEqual(expected);
    expect(res.body.results.map((r: { index: number }) => r.index)).toEqual(
      expected.map((_, i) => i),
    );
    for (const session of all)
      expect(await creditedBytes(session)).toBe(owed.get(session.sessionId) ?? 0);
    expect(await ledgerBytes(uploaders[0]!.viewerId)).toBe(
      (owed.get(uploaders[0]!.sessionId) ?? 0) + (owed.get(sameViewer.sessionId) ?? 0),
    );
    expect(await ledgerBytes(uploaders[1]!.viewerId)).toBe(owed.get(uploaders[1]!.sessionId));
  });

  it('credits overlapping batches of many receivers exactly, without deadlocks', async () => {
    const { api, stream, segments, uploaders, post, creditedBytes, ledgerBytes } = await setup(
      10,
      6,
    );
    const receivers: TestSession[] = [];
    for (let i = 0; i < 6; i++) receivers.push(await createSession(api, stream.streamId));
    // Every receiver credits every uploader, each in a different order, and posts twice at once.
    const owed = new Map<string, number>();
    const batches = await Promise.all(
      receivers.map(async (receiver, r) => {
        const receipts = [];
        for (const [i, segment] of segments.entries()) {
          const uploader = uploaders[(i * (r + 1) + r) % uploaders.length]!;
          owed.set(uploader.sessionId, (owed.get(uploader.sessionId) ?? 0) + segment.byteLength);
          receipts.push(receiptBody(receiptFor(uploader, segment, stream.streamId)));
        }
        return { receiver, receipts: r % 2 === 0 ? receipts : receipts.reverse() };
      }),
    );
    const responses = await Promise.all(
      [...batches, ...batches].map(({ receiver, receipts }) => post(receipts, receiver)),
    );
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
    const credited = responses.reduce((sum, r) => sum + r.body.credited, 0);
    const duplicates = responses.reduce((sum, r) => sum + r.body.duplicates, 0);
    expect([credited, duplicates]).toEqual([60, 60]);
    for (const uploader of uploaders) {
      expect(await creditedBytes(uploader)).toBe(owed.get(uploader.sessionId));
      expect(await ledgerBytes(uploader.viewerId)).toBe(owed.get(uploader.sessionId));
    }
  });

  it('times each phase of a batch in /metrics', async () => {
    const { api, stream, segments, uploaders, post } = await setup(2, 1);
    const receiver = await createSession(api, stream.streamId);
    await post([receiptBody(receiptFor(uploaders[0]!, segments[0]!, stream.streamId))], receiver);
    const metrics = (await api.get('/metrics')).body as string;
    for (const phase of ['auth', 'verify', 'lookup', 'write']) {
      expect(metrics).toMatch(
        new RegExp(`streamrp2p_coordinator_receipt_phase_seconds_count\\{phase="${phase}"\\} 1\\n`),
      );
    }
  });

  it('answers a heartbeat and a challenge poll while a receipt insert of the session is in flight', async (ctx) => {
    ctx.skip(
      t.backend === 'pglite',
      'PGlite runs one transaction at a time, so an open transaction blocks every other request.',
    );
    const { api, stream, segments, uploaders, coordinator } = await setup(1, 1);
    const uploader = uploaders[0]!;
    const receiver = await createSession(api, stream.streamId);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // A receipt insert crediting the uploader, held open (it used to lock the uploader's row).
    const transaction = coordinator.db
      .transaction()
      .execute(async (trx) => {
        await trx
          .insertInto('receipts')
          .values({
            stream_id: stream.streamId,
            rendition: segments[0]!.rendition,
            sequence: segments[0]!.sequence,
            receiver_viewer_id: receiver.viewerId,
            receiver_session_id: receiver.sessionId,
            uploader_session_id: uploader.sessionId,
            uploader_viewer_id: uploader.viewerId,
            byte_length: segments[0]!.byteLength,
            signed_at: Date.now(),
            credited_at: new Date(),
          })
          .execute();
        locked();
        await held;
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await isLocked;
    try {
      const heartbeat = api.post(
        '/api/viewers/points',
        {
          viewer_id: uploader.viewerId,
          stream_id: stream.streamId,
          action: 'watch_time',
          duration_seconds: 60,
          timestamp: Date.now(),
        },
        { token: uploader.sessionSecret },
      );
      const challenges = api.get(`/api/sessions/${uploader.sessionId}/challenges`, {
        token: uploader.sessionSecret,
      });
      const timeout = new Promise<'blocked'>((resolve) =>
        setTimeout(() => resolve('blocked'), 5000),
      );
      const answered = await Promise.race([
        Promise.all([heartbeat, challenges]).then((r) => r.map((res) => res.status)),
        timeout,
      ]);
      expect(answered).toEqual([200, 200]);
    } finally {
      release();
      await transaction;
    }
  });
});
