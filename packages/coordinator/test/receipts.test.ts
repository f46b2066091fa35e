import { expect, it } from 'vitest';
import { manualClock, startCoordinator } from './api.js';
import { describeWithDatabases } from './databases.js';
import {
  createSession,
  createStream,
  createStreamer,
  receiptFor,
  receiptKeys,
  seedSegment,
  signReceipt,
} from './fixtures.js';

describeWithDatabases('receipts', (t) => {
  async function setup(options = {}) {
    const started = await startCoordinator(t, { indexerEnabled: false, ...options });
    const { api, coordinator } = started;
    const { apiKey } = await createStreamer(api);
    const stream = await createStream(api, apiKey);
    const uploader = await createSession(api, stream.streamId);
    const receiver = await createSession(api, stream.streamId);
    const segments = await Promise.all(
      [1, 2, 3].map((seq) => seedSegment(coordinator.db, stream.streamId, seq)),
    );
    const post = (receipts: unknown[], as = receiver) =>
      api.post('/api/receipts', { sessionId: as.sessionId, receipts }, { token: as.sessionSecret });
    return { ...started, stream, uploader, receiver, segments, post, apiKey };
  }

  it('credits valid receipts to the uploader session and its viewer ledger', async () => {
    const { post, uploader, receiver, segments, stream, api } = await setup();
    const receipts = await Promise.all(
      segments.map((s) => signReceipt(receiver, receiptFor(uploader, s, stream.streamId))),
    );
    const res = await post(receipts);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      credited: 3,
      duplicates: 0,
      rejected: 0,
      results: [0, 1, 2].map((index) => ({ index, status: 'credited' })),
    });
    const total = segments.reduce((sum, s) => sum + s.byteLength, 0);
    const summary = await api.get(`/api/sessions/${uploader.sessionId}`, {
      token: uploader.sessionSecret,
    });
    expect(summary.body.creditedBytes).toBe(total);
    const balance = await api.get(`/api/viewers/${uploader.viewerId}/points`);
    expect(balance.body.credited_bytes).toBe(total);
    const receiverSummary = await api.get(`/api/sessions/${receiver.sessionId}`, {
      token: receiver.sessionSecret,
    });
    expect(receiverSummary.body.creditedBytes).toBe(0);
  });

  it('rejects each bad receipt with its code and credits the rest', async () => {
    const clock = manualClock();
    const { post, uploader, receiver, segments, stream, api, apiKey, coordinator } = await setup({
      clock: clock.now,
    });
    const [a, b, c] = segments as [
      (typeof segments)[0],
      (typeof segments)[0],
      (typeof segments)[0],
    ];
    const now = clock.now();
    const otherStream = await createStream(api, apiKey);
    const outsider = await createSession(api, otherStream.streamId);
    const sameIpUploader = await createSession(api, stream.streamId, { ip: receiver.ip });
    const ended = await createSession(api, stream.streamId);
    await api.delete(`/api/sessions/${ended.sessionId}`, { token: ended.sessionSecret });
    const forger = await receiptKeys();
    const good = receiptFor(uploader, a, stream.streamId);
    const cases: Array<[string, Promise<unknown> | unknown]> = [
      [
        'BAD_SIGNATURE',
        signReceipt(receiver, { ...good, timestamp: now }, { signAs: forger.privateKey }),
      ],
      [
        'BAD_SIGNATURE',
        signReceipt(receiver, { ...good, timestamp: now }).then((r) => ({
          ...r,
          sequence: 2,
          root: b.root,
          byteLength: b.byteLength,
        })),
      ],
      ['UNKNOWN_SEGMENT', signReceipt(receiver, { ...good, sequence: 999, timestamp: now })],
      ['ROOT_MISMATCH', signReceipt(receiver, { ...good, root: b.root, timestamp: now })],
      [
        'LENGTH_MISMATCH',
        signReceipt(receiver, { ...good, byteLength: a.byteLength + 1000, timestamp: now }),
      ],
      [
        'UNKNOWN_UPLOADER',
        signReceipt(receiver, { ...good, uploaderPeerId: 'nobody', timestamp: now }),
      ],
      [
        'SELF_RECEIPT',
        signReceipt(receiver, { ...good, uploaderPeerId: receiver.peerId, timestamp: now }),
      ],
      [
        'NOT_IN_STREAM',
        signReceipt(receiver, { ...good, uploaderPeerId: outsider.peerId, timestamp: now }),
      ],
      [
        'NOT_IN_STREAM',
        signReceipt(receiver, { ...good, streamId: otherStream.streamId, timestamp: now }),
      ],
      [
        'SESSION_NOT_LIVE',
        signReceipt(receiver, { ...good, uploaderPeerId: ended.peerId, timestamp: now }),
      ],
      [
        'SAME_IP',
        signReceipt(receiver, { ...good, uploaderPeerId: sameIpUploader.peerId, timestamp: now }),
      ],
      ['IMPLAUSIBLE_TIME', signReceipt(receiver, { ...good, timestamp: now + 120_000 })],
      ['IMPLAUSIBLE_TIME', signReceipt(receiver, { ...good, timestamp: now - 2 * 3600_000 })],
      ['INVALID_RECEIPT', { ...good, timestamp: now, signature: 'AAAA' }],
      ['INVALID_RECEIPT', { ...good, root: 'zz' }],
      ['INVALID_RECEIPT', 'not an object'],
      [
        'credited',
        signReceipt(receiver, { ...receiptFor(uploader, c, stream.streamId), timestamp: now }),
      ],
    ];
    const receipts = await Promise.all(cases.map(([, r]) => r));
    const res = await post(receipts);
    expect(res.status).toBe(200);
    const codes = res.body.results.map(
      (r: { status: string; code?: string }) => r.code ?? r.status,
    );
    expect(codes).toEqual(cases.map(([code]) => code));
    expect(res.body).toMatchObject({ credited: 1, duplicates: 0, rejected: cases.length - 1 });
    const metrics = await api.get('/metrics');
    expect(metrics.body).toMatch(
      /streamrp2p_coordinator_receipts_total\{outcome="rejected",code="BAD_SIGNATURE"\} 2/,
    );
    await coordinator.flushCredits();
    const uploaderRow = await coordinator.db
      .selectFrom('sessions')
      .select('credited_bytes')
      .where('id', '=', uploader.sessionId)
      .executeTakeFirstOrThrow();
    expect(uploaderRow.credited_bytes).toBe(c.byteLength);
  });

  it('accepts same-IP receipts when configured', async () => {
    const { post, api, stream, segments } = await setup({ receiptsSameIpAllowed: true });
    const up = await createSession(api, stream.streamId, { ip: '198.51.100.1' });
    const down = await createSession(api, stream.streamId, { ip: '198.51.100.1' });
    const res = await post(
      [await signReceipt(down, receiptFor(up, segments[0]!, stream.streamId))],
      down,
    );
    expect(res.body.results[0].status).toBe('credited');
  });

  it('credits a replayed batch once: the second post is all duplicates', async () => {
    const { post, uploader, receiver, segments, stream, api } = await setup();
    const receipts = await Promise.all(
      segments.map((s) => signReceipt(receiver, receiptFor(uploader, s, stream.streamId))),
    );
    expect((await post(receipts)).body.credited).toBe(3);
    const again = await post([...receipts, receipts[0]]);
    expect(again.body).toMatchObject({ credited: 0, duplicates: 4, rejected: 0 });
    const summary = await api.get(`/api/sessions/${uploader.sessionId}`, {
      token: uploader.sessionSecret,
    });
    expect(summary.body.creditedBytes).toBe(segments.reduce((sum, s) => sum + s.byteLength, 0));
  });

  it('credits one receipt per receiving viewer and segment, whatever the uploader or session', async () => {
    const { post, uploader, receiver, segments, stream, api } = await setup();
    const otherUploader = await createSession(api, stream.streamId);
    const sameViewer = await createSession(api, stream.streamId, { viewerId: receiver.viewerId });
    const s = segments[0]!;
    const first = await post([
      await signReceipt(receiver, receiptFor(uploader, s, stream.streamId)),
      await signReceipt(receiver, receiptFor(otherUploader, s, stream.streamId)),
    ]);
    expect(first.body.results.map((r: { status: string }) => r.status)).toEqual([
      'credited',
      'duplicate',
    ]);
    const fromOtherTab = await post(
      [await signReceipt(sameViewer, receiptFor(otherUploader, s, stream.streamId))],
      sameViewer,
    );
    expect(fromOtherTab.body.results[0].status).toBe('duplicate');
  });

  it('credits a batch posted 5 times concurrently exactly once', async () => {
    const { post, uploader, receiver, segments, stream, api } = await setup();
    const receipts = await Promise.all(
      segments.map((s) => signReceipt(receiver, receiptFor(uploader, s, stream.streamId))),
    );
    const responses = await Promise.all([1, 2, 3, 4, 5].map(() => post(receipts)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(responses.reduce((sum, r) => sum + r.body.credited, 0)).toBe(3);
    expect(responses.reduce((sum, r) => sum + r.body.duplicates, 0)).toBe(12);
    const summary = await api.get(`/api/sessions/${uploader.sessionId}`, {
      token: uploader.sessionSecret,
    });
    expect(summary.body.creditedBytes).toBe(segments.reduce((sum, s) => sum + s.byteLength, 0));
    expect((await api.get(`/api/viewers/${uploader.viewerId}/points`)).body.credited_bytes).toBe(
      summary.body.creditedBytes,
    );
  });

  it('authenticates the receiver and bounds the batch', async () => {
    const { api, receiver, uploader } = await setup();
    expect(
      (await api.post('/api/receipts', { sessionId: receiver.sessionId, receipts: [] })).status,
    ).toBe(401);
    const wrong = await api.post(
      '/api/receipts',
      { sessionId: receiver.sessionId, receipts: [] },
      { token: uploader.sessionSecret },
    );
    expect(wrong.status).toBe(401);
    const tooMany = await api.post(
      '/api/receipts',
      { sessionId: receiver.sessionId, receipts: new Array(501).fill({}) },
      { token: receiver.sessionSecret },
    );
    expect([tooMany.status, tooMany.body.error.code]).toEqual([413, 'BATCH_TOO_LARGE']);
    const notArray = await api.post(
      '/api/receipts',
      { sessionId: receiver.sessionId, receipts: 'x' },
      { token: receiver.sessionSecret },
    );
    expect(notArray.status).toBe(400);
    const empty = await api.post(
      '/api/receipts',
      { sessionId: receiver.sessionId, receipts: [] },
      { token: receiver.sessionSecret },
    );
    expect(empty.body).toEqual({ credited: 0, duplicates: 0, rejected: 0, results: [] });
  });

  it('handles a full batch of 500 with batched lookups', async () => {
    const { post, uploader, receiver, stream, coordinator } = await setup();
    const segments = [];
    for (let seq = 100; seq < 600; seq += 50) {
      const batch = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          seedSegment(coordinator.db, stream.streamId, seq + i, { byteLength: 1000 }),
        ),
      );
      segments.push(...batch);
    }
    const receipts = await Promise.all(
      segments.map((s) => signReceipt(receiver, receiptFor(uploader, s, stream.streamId))),
    );
    const res = await post(receipts);
    expect(res.body).toMatchObject({ credited: 500, rejected: 0 });
  });
});
