import { bytesToHex, leafCountFor, merkleProof } from '@streamrp2p/protocol';
import { expect, it } from 'vitest';
import { manualClock, startCoordinator } from './api.js';
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
} from './fixtures.js';

describeWithDatabases('challenges', (t) => {
  async function setup(options = {}) {
    const clock = manualClock();
    const started = await startCoordinator(t, {
      indexerEnabled: false,
      clock: clock.now,
      challengeTtlSeconds: 5,
      ...options,
    });
    const { api, coordinator } = started;
    const { apiKey } = await createStreamer(api);
    const stream = await createStream(api, apiKey);
    const uploader = await createSession(api, stream.streamId);
    const receiver = await createSession(api, stream.streamId);
    const segments = await Promise.all(
      [1, 2, 3].map((seq) =>
        seedSegment(coordinator.db, stream.streamId, seq, { byteLength: 100_000 }),
      ),
    );
    const receipts = await Promise.all(
      segments.map((s) =>
        receiptBody({
          ...receiptFor(uploader, s, stream.streamId),
          timestamp: clock.now(),
        }),
      ),
    );
    const credited = await postReceipts(api, receiver, receipts);
    expect(credited.body.credited).toBe(3);
    const auth = { token: uploader.sessionSecret };
    const poll = () => api.get(`/api/sessions/${uploader.sessionId}/challenges`, auth);
    const answer = (challenge: { challengeId: string }, body: unknown) =>
      api.post(
        `/api/sessions/${uploader.sessionId}/challenges/${challenge.challengeId}`,
        body,
        auth,
      );
    return { ...started, clock, stream, uploader, receiver, segments, poll, answer, auth };
  }

  function proofFor(segments: SeededSegment[], challenge: { sequence: number; leafIndex: number }) {
    const segment = segments.find((s) => s.sequence === challenge.sequence)!;
    const proof = merkleProof(segment.tree, challenge.leafIndex);
    return {
      leafHash: bytesToHex(segment.tree.levels[0]![challenge.leafIndex]!),
      siblings: proof.siblings.map(bytesToHex),
    };
  }

  it('issues one challenge for a recently served segment; a correct proof passes, a second answer is 409', async () => {
    const { poll, answer, segments, stream, api, uploader, auth } = await setup();
    const first = await poll();
    expect(first.status).toBe(200);
    expect(first.body.challenges).toHaveLength(1);
    const challenge = first.body.challenges[0];
    expect(challenge).toMatchObject({ streamId: stream.streamId, rendition: 'live_240p_index' });
    expect([1, 2, 3]).toContain(challenge.sequence);
    expect(challenge.leafIndex).toBeGreaterThanOrEqual(0);
    expect(challenge.leafIndex).toBeLessThan(leafCountFor(100_000));
    // Pending: polling again returns the same one and issues nothing new.
    expect((await poll()).body.challenges).toEqual([challenge]);

    const passed = await answer(challenge, proofFor(segments, challenge));
    expect(passed.body).toEqual({ challengeId: challenge.challengeId, passed: true });
    const twice = await answer(challenge, proofFor(segments, challenge));
    expect([twice.status, twice.body.error.code]).toEqual([409, 'ALREADY_ANSWERED']);
    const summary = await api.get(`/api/sessions/${uploader.sessionId}`, auth);
    expect(summary.body).toMatchObject({ challengesPassed: 1, challengesFailed: 0 });
  });

  it('fails a wrong proof and a late proof, and counts them', async () => {
    const { poll, answer, segments, clock, api, uploader, auth } = await setup();
    const wrong = (await poll()).body.challenges[0];
    const good = proofFor(segments, wrong);
    const tampered = {
      ...good,
      leafHash: good.leafHash.replace(/^./, (c) => (c === '0' ? '1' : '0')),
    };
    expect((await answer(wrong, tampered)).body).toEqual({
      challengeId: wrong.challengeId,
      passed: false,
      reason: 'WRONG_PROOF',
    });

    const late = (await poll()).body.challenges[0];
    expect(late.challengeId).not.toBe(wrong.challengeId);
    expect(late.sequence).not.toBe(wrong.sequence);
    clock.advance(6000);
    expect((await answer(late, proofFor(segments, late))).body).toEqual({
      challengeId: late.challengeId,
      passed: false,
      reason: 'EXPIRED',
    });
    const summary = await api.get(`/api/sessions/${uploader.sessionId}`, auth);
    expect(summary.body).toMatchObject({ challengesPassed: 0, challengesFailed: 2 });
  });

  it('validates answers and keeps challenges to their session', async () => {
    const { poll, answer, api, receiver } = await setup();
    const challenge = (await poll()).body.challenges[0];
    for (const body of [
      {},
      { leafHash: 'xyz', siblings: [] },
      { leafHash: '0'.repeat(64), siblings: ['nothex'] },
      { leafHash: '0'.repeat(64), siblings: new Array(33).fill('0'.repeat(64)) },
    ]) {
      expect((await answer(challenge, body)).status).toBe(400);
    }
    const foreign = await api.post(
      `/api/sessions/${receiver.sessionId}/challenges/${challenge.challengeId}`,
      { leafHash: '0'.repeat(64), siblings: [] },
      { token: receiver.sessionSecret },
    );
    expect([foreign.status, foreign.body.error.code]).toEqual([404, 'CHALLENGE_NOT_FOUND']);
    // The receiver served nothing: it gets no challenge.
    const none = await api.get(`/api/sessions/${receiver.sessionId}/challenges`, {
      token: receiver.sessionSecret,
    });
    expect(none.body.challenges).toEqual([]);
    expect((await api.get(`/api/sessions/${receiver.sessionId}/challenges`)).status).toBe(401);
  });

  it('draws only from receipts credited within the window', async () => {
    const { poll, clock } = await setup({ challengeWindowSeconds: 30, sessionTtlSeconds: 3600 });
    clock.advance(31_000);
    expect((await poll()).body.challenges).toEqual([]);
  });
});
