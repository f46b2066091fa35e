import type { ReceiptBody } from '@streamrp2p/protocol';
import { describe, expect, it } from 'vitest';
import { manualClock, startCoordinator, type Json } from './api.js';
import { describeWithDatabases } from './databases.js';
import {
  createSession,
  createStream,
  createStreamer,
  receiptFor,
  receiptKeys,
  receiptBody,
  seedSegment,
  signBatch,
  type TestSession,
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
    const post = async (receipts: ReceiptBody[], as: TestSession = receiver) =>
      api.post('/api/receipts', await signBatch(as, receipts), { token: as.sessionSecret });
    /** Posts a body as it is, with `as`'s secret. */
    const postRaw = (body: unknown, as: TestSession = receiver) =>
      api.post('/api/receipts', body, { token: as.sessionSecret });
    const receipts = segments.map((s) => receiptBody(receiptFor(uploader, s, stream.streamId)));
    return { ...started, stream, uploader, receiver, segments, receipts, post, postRaw, apiKey };
  }

  it('credits valid receipts to the uploader session and its viewer ledger', async () => {
    const { post, uploader, receiver, segments, stream, api } = await setup();
    const receipts = segments.map((s) => receiptBody(receiptFor(uploader, s, stream.streamId)));
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
    const good = receiptFor(uploader, a, stream.streamId);
    const cases: Array<[string, ReceiptBody]> = [
      ['UNKNOWN_SEGMENT', receiptBody({ ...good, sequence: 999, timestamp: now })],
      ['ROOT_MISMATCH', receiptBody({ ...good, root: b.root, timestamp: now })],
      [
        'LENGTH_MISMATCH',
        receiptBody({ ...good, byteLength: a.byteLength + 1000, timestamp: now }),
      ],
      ['UNKNOWN_UPLOADER', receiptBody({ ...good, uploaderPeerId: 'nobody', timestamp: now })],
      ['SELF_RECEIPT', receiptBody({ ...good, uploaderPeerId: receiver.peerId, timestamp: now })],
      ['NOT_IN_STREAM', receiptBody({ ...good, uploaderPeerId: outsider.peerId, timestamp: now })],
      ['NOT_IN_STREAM', receiptBody({ ...good, streamId: otherStream.streamId, timestamp: now })],
      ['SESSION_NOT_LIVE', receiptBody({ ...good, uploaderPeerId: ended.peerId, timestamp: now })],
      ['SAME_IP', receiptBody({ ...good, uploaderPeerId: sameIpUploader.peerId, timestamp: now })],
      ['IMPLAUSIBLE_TIME', receiptBody({ ...good, timestamp: now + 120_000 })],
      ['IMPLAUSIBLE_TIME', receiptBody({ ...good, timestamp: now - 2 * 3600_000 })],
      ['credited', receiptBody({ ...receiptFor(uploader, c, stream.streamId), timestamp: now })],
    ];
    const receipts = cases.map(([, r]) => r);
    const res = await post(receipts);
    expect(res.status).toBe(200);
    const codes = res.body.results.map(
      (r: { status: string; code?: string }) => r.code ?? r.status,
    );
    expect(codes).toEqual(cases.map(([code]) => code));
    expect(res.body).toMatchObject({ credited: 1, duplicates: 0, rejected: cases.length - 1 });
    const metrics = await api.get('/metrics');
    expect(metrics.body).toMatch(
      /streamrp2p_coordinator_receipts_total\{outcome="rejected",code="SAME_IP"\} 1/,
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
    const res = await post([receiptBody(receiptFor(up, segments[0]!, stream.streamId))], down);
    expect(res.body.results[0].status).toBe('credited');
  });

  it('credits a replayed batch once: the second post is all duplicates', async () => {
    const { post, uploader, segments, stream, api } = await setup();
    const receipts = segments.map((s) => receiptBody(receiptFor(uploader, s, stream.streamId)));
    expect((await post(receipts)).body.credited).toBe(3);
    const again = await post([...receipts, receipts[0]!]);
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
      receiptBody(receiptFor(uploader, s, stream.streamId)),
      receiptBody(receiptFor(otherUploader, s, stream.streamId)),
    ]);
    expect(first.body.results.map((r: { status: string }) => r.status)).toEqual([
      'credited',
      'duplicate',
    ]);
    const fromOtherTab = await post(
      [receiptBody(receiptFor(otherUploader, s, stream.streamId))],
      sameViewer,
    );
    expect(fromOtherTab.body.results[0].status).toBe('duplicate');
  });

  it('credits a batch posted 5 times concurrently exactly once', async () => {
    const { post, uploader, segments, stream, api } = await setup();
    const receipts = segments.map((s) => receiptBody(receiptFor(uploader, s, stream.streamId)));
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
    const { api, receiver, uploader, postRaw } = await setup();
    const empty = await signBatch(receiver, []);
    expect((await api.post('/api/receipts', empty)).status).toBe(401);
    expect((await postRaw(empty, uploader)).status).toBe(404);
    const tooMany = await postRaw({ ...empty, receipts: new Array(501).fill({}) });
    expect([tooMany.status, tooMany.body.error.code]).toEqual([413, 'BATCH_TOO_LARGE']);
    const notArray = await postRaw({ ...empty, receipts: 'x' });
    expect([notArray.status, notArray.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);
    expect((await postRaw(empty)).body).toEqual({
      credited: 0,
      duplicates: 0,
      rejected: 0,
      results: [],
    });
  });

  describe('the batch signature', () => {
    /** Posts `body` and expects the whole request refused with `code`. */
    async function refused(
      postRaw: (body: unknown, as?: TestSession) => Promise<{ status: number; body: Json }>,
      body: unknown,
      code: string,
      as?: TestSession,
    ) {
      const res = await postRaw(body, as);
      expect([res.status, res.body.error?.code], JSON.stringify(res.body)).toEqual([400, code]);
      return res.body.error.message as string;
    }

    it("refuses a forged signature, another session's, or a batch altered after signing", async () => {
      const { api, post, postRaw, receiver, uploader, receipts, segments, stream, coordinator } =
        await setup();
      const [r0, r1, r2] = receipts as [ReceiptBody, ReceiptBody, ReceiptBody];
      const signed = await signBatch(receiver, receipts);
      const forger = await receiptKeys();
      const extra = receiptBody(receiptFor(uploader, segments[0]!, stream.streamId));
      const bad: Array<[string, unknown, TestSession?]> = [
        ['forged key', await signBatch(receiver, receipts, { signAs: forger.privateKey })],
        [
          'another session key',
          await signBatch(receiver, receipts, { signAs: uploader.privateKey }),
        ],
        ['receipt changed', { ...signed, receipts: [r0, { ...r1, byteLength: 1 }, r2] }],
        ['receipt removed', { ...signed, receipts: [r0, r2] }],
        ['order changed', { ...signed, receipts: [r1, r0, r2] }],
        ['receipt added', { ...signed, receipts: [...receipts, extra] }],
        ['all receipts removed', { ...signed, receipts: [] }],
        ['signature bit flipped', { ...signed, signature: flipBit(signed.signature) }],
      ];
      // The uploader's own batch, sent as the receiver: the receiver id is inside what is signed.
      const uploaders = await signBatch(uploader, receipts);
      bad.push(['signed for another session id', { ...uploaders, sessionId: receiver.sessionId }]);
      for (const [name, body] of bad) {
        const message = await refused(postRaw, body, 'BAD_SIGNATURE').catch((error: Error) => {
          throw new Error(`${name}: ${error.message}`);
        });
        expect(message).toMatch(/batch signature does not verify/);
      }
      // Refused before any lookup or write, and nothing credited.
      const metrics = (await api.get('/metrics')).body as string;
      expect(metrics).not.toMatch(/receipt_phase_seconds_count\{phase="lookup"\}/);
      expect(metrics).toMatch(/receipt_phase_seconds_count\{phase="verify"\} 9\n/);
      expect(metrics).toMatch(
        /streamrp2p_coordinator_receipts_total\{outcome="rejected",code="BAD_SIGNATURE"\} 24\n/,
      );
      await coordinator.flushCredits();
      const rows = await coordinator.db
        .selectFrom('receipts')
        .select('id')
        .where('stream_id', '=', stream.streamId)
        .execute();
      expect(rows).toEqual([]);
      // The genuine batch still credits in full.
      const res = await post(receipts);
      expect(res.body).toMatchObject({ credited: 3, duplicates: 0, rejected: 0 });
    });

    it('refuses the old shape (one signature per receipt) and a malformed signature', async () => {
      const { postRaw, receiver, receipts } = await setup();
      const signed = await signBatch(receiver, receipts);
      const perReceipt = receipts.map((r) => ({ ...r, signature: signed.signature }));
      const old = await refused(
        postRaw,
        { sessionId: receiver.sessionId, receipts: perReceipt },
        'VALIDATION_ERROR',
      );
      expect(old).toMatch(/body\.signature is missing.*signs the batch once/);
      const mixed = await refused(postRaw, { ...signed, receipts: perReceipt }, 'INVALID_RECEIPT');
      expect(mixed).toMatch(/^receipts\[0\]: receipts are not signed one by one/);
      for (const signature of ['AAAA', 42, signed.signature + 'AA', `${signed.signature}=`]) {
        const message = await refused(postRaw, { ...signed, signature }, 'VALIDATION_ERROR');
        expect(message).toMatch(/body\.signature must be 64 bytes/);
      }
    });

    it('is what the OpenAPI document asks for', async () => {
      const { api } = await setup();
      const { schemas } = (await api.get('/api/openapi.json')).body.components;
      expect(schemas.PostReceiptsRequest.required).toEqual(['sessionId', 'receipts', 'signature']);
      expect(schemas.PostReceiptsRequest.properties.signature.description).toMatch(
        /encodeReceiptBatch/,
      );
      expect(Object.keys(schemas.ReceiptBody.properties)).not.toContain('signature');
    });

    it('refuses a batch with a malformed receipt whole, naming it', async () => {
      const { post, postRaw, receiver, receipts } = await setup();
      const [r0, r1, r2] = receipts as [ReceiptBody, ReceiptBody, ReceiptBody];
      const cases: Array<[unknown, RegExp]> = [
        [{ ...r1, root: 'zz' }, /root must be 64 lowercase hex/],
        [{ ...r1, sequence: -1 }, /sequence must be an integer/],
        [{ ...r1, extra: 1 }, /unknown field\(s\): extra/],
        ['not an object', /receipt must be an object/],
      ];
      for (const [broken, pattern] of cases) {
        const body = { ...(await signBatch(receiver, receipts)), receipts: [r0, broken, r2] };
        const message = await refused(postRaw, body, 'INVALID_RECEIPT');
        expect(message).toMatch(/^receipts\[1\]: /);
        expect(message).toMatch(pattern);
      }
      expect((await post(receipts)).body.credited).toBe(3);
    });
  });

  it('handles a full batch of 500 with batched lookups', async () => {
    const { post, uploader, stream, coordinator } = await setup();
    const segments = [];
    for (let seq = 100; seq < 600; seq += 50) {
      const batch = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          seedSegment(coordinator.db, stream.streamId, seq + i, { byteLength: 1000 }),
        ),
      );
      segments.push(...batch);
    }
    const receipts = segments.map((s) => receiptBody(receiptFor(uploader, s, stream.streamId)));
    const res = await post(receipts);
    expect(res.body).toMatchObject({ credited: 500, rejected: 0 });
  });
});

/** The signature with its first bit flipped (still 64 bytes of base64url). */
function flipBit(signature: string): string {
  const bytes = Buffer.from(signature, 'base64url');
  bytes[0]! ^= 0x80;
  return bytes.toString('base64url');
}
