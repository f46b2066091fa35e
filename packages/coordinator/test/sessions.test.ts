import { verifyTrackerToken } from '@streamrp2p/tracker';
import { expect, it } from 'vitest';
import { manualClock, startCoordinator, TRACKER_SECRET } from './api.js';
import { describeWithDatabases } from './databases.js';
import { createSession, createStream, createStreamer, receiptKeys } from './fixtures.js';

describeWithDatabases('sessions', (t) => {
  async function setup(options = {}) {
    const started = await startCoordinator(t, { indexerEnabled: false, ...options });
    const { apiKey } = await createStreamer(started.api);
    const stream = await createStream(started.api, apiKey);
    return { ...started, stream };
  }

  it('creates a session whose tracker token the tracker verifies with the shared secret', async () => {
    const { api, stream, coordinator } = await setup();
    const session = await createSession(api, stream.streamId, { ip: '203.0.113.7' });
    expect(session.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(session.viewerId).toMatch(/^[0-9a-f-]{36}$/);
    expect(session.peerId).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    const verified = verifyTrackerToken(TRACKER_SECRET, session.trackerToken);
    expect(verified).toEqual({
      ok: true,
      payload: {
        peerId: session.peerId,
        streamId: stream.streamId,
        exp: session.trackerTokenExpiresAt,
      },
    });
    expect(session.trackerTokenExpiresAt - Date.now() / 1000).toBeGreaterThan(590);
    expect(verifyTrackerToken('another-secret-0123456789', session.trackerToken).ok).toBe(false);
    const row = await coordinator.db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', session.sessionId)
      .executeTakeFirstOrThrow();
    expect(row.ip).toBe('203.0.113.7');
    expect(row.secret_hash).not.toContain(session.sessionSecret);
  });

  it('keeps a given viewer id and validates the request', async () => {
    const { api, stream } = await setup();
    const session = await createSession(api, stream.streamId, { viewerId: 'viewer-abc' });
    expect(session.viewerId).toBe('viewer-abc');
    const { publicKey } = await receiptKeys();
    const notAPoint = Buffer.alloc(65, 7);
    notAPoint[0] = 4;
    const cases: Array<[unknown, number, string]> = [
      [{ streamId: stream.streamId }, 400, 'VALIDATION_ERROR'],
      [{ streamId: stream.streamId, publicKey: 'short' }, 422, 'INVALID_PUBLIC_KEY'],
      [
        { streamId: stream.streamId, publicKey: notAPoint.toString('base64url') },
        422,
        'INVALID_PUBLIC_KEY',
      ],
      [{ streamId: stream.streamId, publicKey, viewerId: 'bad id!' }, 400, 'VALIDATION_ERROR'],
      [{ streamId: 'no-such-stream', publicKey }, 404, 'STREAM_NOT_FOUND'],
    ];
    for (const [body, status, code] of cases) {
      const res = await api.post('/api/sessions', body);
      expect([res.status, res.body.error?.code]).toEqual([status, code]);
    }
  });

  it('refreshes the token with the session secret only', async () => {
    const { api, stream } = await setup();
    const session = await createSession(api, stream.streamId);
    const other = await createSession(api, stream.streamId);
    const path = `/api/sessions/${session.sessionId}/token`;
    expect((await api.post(path)).status).toBe(401);
    expect((await api.post(path, undefined, { token: other.sessionSecret })).status).toBe(404);
    expect(
      (await api.post('/api/sessions/unknown/token', undefined, { token: session.sessionSecret }))
        .status,
    ).toBe(404);
    const res = await api.post(path, undefined, { token: session.sessionSecret });
    expect(res.status).toBe(200);
    const verified = verifyTrackerToken(TRACKER_SECRET, res.body.trackerToken);
    expect(verified.ok && verified.payload.peerId).toBe(session.peerId);
  });

  it('expires a session not seen within the TTL, keeps it live while seen, ends it on DELETE', async () => {
    const clock = manualClock();
    const { api, stream } = await setup({ clock: clock.now, sessionTtlSeconds: 60 });
    const session = await createSession(api, stream.streamId);
    const auth = { token: session.sessionSecret };
    const summary = `/api/sessions/${session.sessionId}`;
    for (let i = 0; i < 3; i++) {
      clock.advance(50_000);
      expect((await api.post(`${summary}/token`, undefined, auth)).status).toBe(200);
    }
    const live = await api.get(summary, auth);
    expect(live.body).toMatchObject({
      live: true,
      creditedBytes: 0,
      challengesPassed: 0,
      challengesFailed: 0,
    });
    clock.advance(61_000);
    const expired = await api.post(`${summary}/token`, undefined, auth);
    expect([expired.status, expired.body.error.code]).toEqual([401, 'SESSION_EXPIRED']);
    expect((await api.get(summary, auth)).body.live).toBe(false);

    const second = await createSession(api, stream.streamId);
    expect(
      (await api.delete(`/api/sessions/${second.sessionId}`, { token: second.sessionSecret }))
        .status,
    ).toBe(204);
    expect(
      (
        await api.post(`/api/sessions/${second.sessionId}/token`, undefined, {
          token: second.sessionSecret,
        })
      ).status,
    ).toBe(401);
  });
});
