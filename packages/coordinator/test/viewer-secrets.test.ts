import { expect, it } from 'vitest';
import { startCoordinator } from './api.js';
import { describeWithDatabases } from './databases.js';
import { createSession, createStream, createStreamer } from './fixtures.js';

describeWithDatabases('viewer secrets', (t) => {
  async function setup() {
    const started = await startCoordinator(t, { indexerEnabled: false });
    const { apiKey } = await createStreamer(started.api);
    const stream = await createStream(started.api, apiKey);
    return { ...started, stream };
  }

  it('answers a secret once, when it creates the viewer, and only proven sessions act as it', async () => {
    const { api, stream, coordinator } = await setup();
    const first = await createSession(api, stream.streamId);
    expect(first.viewerVerified).toBe(true);
    expect(first.viewerSecret).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    const earnings = (secret: string) =>
      api.get(`/api/viewers/${first.viewerId}/earnings`, { token: secret });
    expect((await earnings(first.sessionSecret)).status).toBe(200);

    // Someone who learned the viewer id: its session earns for the viewer, but is not it.
    const claimed = await createSession(api, stream.streamId, { viewerId: first.viewerId });
    expect(claimed.viewerVerified).toBe(false);
    expect(claimed.viewerSecret).toBeUndefined();
    const refused = await earnings(claimed.sessionSecret);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('VIEWER_NOT_VERIFIED');
    const payoutAccount = await api.put(
      `/api/viewers/${first.viewerId}/payout-account`,
      { provider: 'file', destination: 'attacker' },
      { token: claimed.sessionSecret },
    );
    expect(payoutAccount.status).toBe(403);
    const wrong = await createSession(api, stream.streamId, {
      viewerId: first.viewerId,
      viewerSecret: 'not-the-secret',
    });
    expect(wrong.viewerVerified).toBe(false);

    // The viewer itself, on a later visit, with the secret it kept.
    const later = await createSession(api, stream.streamId, {
      viewerId: first.viewerId,
      viewerSecret: first.viewerSecret,
    });
    expect(later.viewerVerified).toBe(true);
    expect(later.viewerSecret).toBeUndefined();
    expect((await earnings(later.sessionSecret)).status).toBe(200);

    const row = await coordinator.db
      .selectFrom('viewers')
      .selectAll()
      .where('viewer_id', '=', first.viewerId)
      .executeTakeFirstOrThrow();
    expect(row.secret_hash).not.toContain(first.viewerSecret!);
  });

  it("creates a site's account id on its first session, and one of concurrent first sessions proves it", async () => {
    const { api, stream } = await setup();
    const sessions = await Promise.all(
      [1, 2, 3].map(() => createSession(api, stream.streamId, { viewerId: 'account-42' })),
    );
    expect(sessions.filter((s) => s.viewerVerified)).toHaveLength(1);
    expect(sessions.filter((s) => s.viewerSecret !== undefined)).toHaveLength(1);
    const secret = sessions.find((s) => s.viewerSecret !== undefined)!.viewerSecret!;
    const again = await createSession(api, stream.streamId, {
      viewerId: 'account-42',
      viewerSecret: secret,
    });
    expect(again.viewerVerified).toBe(true);
  });
});
