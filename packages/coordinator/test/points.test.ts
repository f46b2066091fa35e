import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeWithDatabases } from './databases.js';
import {
  createSession,
  createStream,
  receiptFor,
  seedSegment,
  postReceipts,
  receiptBody,
} from './fixtures.js';
import { audience, award, networkIp, pointsSetup, streamerFrom } from './points-setup.js';

describeWithDatabases('points', (t) => {
  const setup = (options = {}) => pointsSetup(t, options);

  it('awards chat 5, follow 25 once per streamer, with cooldowns; a share asked for pays nothing', async () => {
    const { api, viewer, clock, streamer } = await setup();
    const chat = await award(api, viewer, 'chat_message');
    expect(chat.status).toBe(200);
    expect(chat.body).toEqual({
      viewer_id: viewer.viewerId,
      awarded: 5,
      balance: 5,
      multiplier: 1,
      status: 'none',
    });
    expect((await award(api, viewer, 'chat_message')).body.awarded).toBe(0);
    clock.advance(11_000);
    expect((await award(api, viewer, 'chat_message')).body.awarded).toBe(5);
    expect((await award(api, viewer, 'follow_streamer')).body.awarded).toBe(25);
    expect((await award(api, viewer, 'follow_streamer')).body.awarded).toBe(0);
    // Another stream of the same streamer: still followed.
    const second = await createStream(api, streamer.apiKey);
    const there = await createSession(api, second.streamId, { viewerId: viewer.viewerId });
    expect((await award(api, there, 'follow_streamer')).body.awarded).toBe(0);
    // A share pays only when its link brings a new viewer (referrals.test.ts, decision 43).
    const share = await award(api, viewer, 'share_stream', { timestamp: Date.now() });
    expect(share.body).toMatchObject({ awarded: 0, balance: 35, status: 'none' });
    expect((await award(api, viewer, 'share_stream', {}, streamer.apiKey)).body.awarded).toBe(0);
    const balance = await api.get(`/api/viewers/${viewer.viewerId}/points`);
    expect(balance.body).toEqual({
      viewer_id: viewer.viewerId,
      balance: 35,
      status: 'none',
      credited_bytes: 0,
    });
  });

  it('gives supporters (credited bytes in the last 10 minutes) 5x and reports the status', async () => {
    const { api, viewer, stream, coordinator, clock } = await setup();
    const receiver = await createSession(api, stream.streamId);
    const segment = await seedSegment(coordinator.db, stream.streamId, 1);
    const receipt = receiptBody({
      ...receiptFor(viewer, segment, stream.streamId),
      timestamp: clock.now(),
    });
    expect((await postReceipts(api, receiver, [receipt])).body.credited).toBe(1);
    expect((await award(api, viewer, 'chat_message')).body).toMatchObject({
      awarded: 25,
      multiplier: 5,
    });
    const follow = await award(api, viewer, 'follow_streamer');
    expect(follow.body).toMatchObject({
      awarded: 125,
      balance: 150,
      multiplier: 5,
      status: 'account_prompt',
    });
    expect((await award(api, receiver, 'chat_message')).body).toMatchObject({
      awarded: 5,
      multiplier: 1,
    });
    clock.advance(601_000);
    await audience(api, stream.streamId);
    const later = await createSession(api, stream.streamId, { viewerId: viewer.viewerId });
    expect((await award(api, later, 'chat_message')).body).toMatchObject({
      awarded: 5,
      multiplier: 1,
    });
    expect((await api.get(`/api/viewers/${viewer.viewerId}/points`)).body.credited_bytes).toBe(
      segment.byteLength,
    );
  });

  it('pays watch time by the minute, never faster than the wall clock, carrying remainders', async () => {
    const { api, viewer, clock, stream } = await setup();
    const beat = (seconds: number, session = viewer) =>
      award(api, session, 'watch_time', { duration_seconds: seconds });
    let total = 0;
    for (let i = 0; i < 60; i++) {
      clock.advance(60_000);
      total += (await beat(60)).body.awarded;
    }
    expect(total).toBe(60);
    expect((await api.get(`/api/viewers/${viewer.viewerId}/points`)).body).toMatchObject({
      balance: 60,
      status: 'none',
    });

    const burst = await createSession(api, stream.streamId);
    clock.advance(60_000);
    const claims = [];
    for (let i = 0; i < 10; i++) claims.push((await beat(60, burst)).body.awarded);
    expect(claims.reduce((a, b) => a + b, 0)).toBe(1);
    expect((await beat(600, burst)).body.awarded).toBe(0);

    const halves = await createSession(api, stream.streamId);
    const got = [];
    for (let i = 0; i < 4; i++) {
      clock.advance(30_000);
      got.push((await beat(30, halves)).body.awarded);
    }
    expect(got).toEqual([0, 1, 0, 1]);
    const summary = await api.get(`/api/sessions/${halves.sessionId}`, {
      token: halves.sessionSecret,
    });
    expect(summary.body.watchSeconds).toBe(120);
  });

  it('requires a live session of that viewer in that stream for watch time', async () => {
    const { api, viewer, stream, streamer, clock } = await setup();
    const other = await createSession(api, stream.streamId);
    const body = {
      viewer_id: viewer.viewerId,
      stream_id: stream.streamId,
      action: 'watch_time',
      duration_seconds: 60,
      timestamp: Date.now(),
    };
    const cases: Array<[string | undefined, number]> = [
      [undefined, 401],
      ['not-a-secret', 401],
      [other.sessionSecret, 403],
      [streamer.apiKey, 401],
    ];
    for (const [token, status] of cases) {
      expect(
        (await api.post('/api/viewers/points', body, token === undefined ? {} : { token })).status,
      ).toBe(status);
    }
    const elsewhere = await createStream(api, streamer.apiKey);
    const wrongStream = await api.post(
      '/api/viewers/points',
      { ...body, stream_id: elsewhere.streamId },
      { token: viewer.sessionSecret },
    );
    expect(wrongStream.status).toBe(403);
    expect(
      (
        await api.post(
          '/api/viewers/points',
          { ...body, duration_seconds: undefined },
          { token: viewer.sessionSecret },
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await api.post(
          '/api/viewers/points',
          { ...body, action: 'mine_bitcoin' },
          { token: viewer.sessionSecret },
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await api.post(
          '/api/viewers/points',
          { ...body, timestamp: 'yesterday' },
          { token: viewer.sessionSecret },
        )
      ).status,
    ).toBe(400);
    // The owner's key attests chat; another streamer's key may not.
    expect(
      (
        await api.post(
          '/api/viewers/points',
          { ...body, action: 'chat_message' },
          { token: streamer.apiKey },
        )
      ).body.awarded,
    ).toBe(5);
    const stranger = await streamerFrom(api);
    expect(
      (
        await api.post(
          '/api/viewers/points',
          { ...body, action: 'share_stream' },
          { token: stranger.apiKey },
        )
      ).status,
    ).toBe(403);
    clock.advance(181_000);
    const expired = await api.post('/api/viewers/points', body, { token: viewer.sessionSecret });
    expect([expired.status, expired.body.error.code]).toEqual([401, 'SESSION_EXPIRED']);
  });

  it('keeps history and balance consistent under a concurrent burst', async () => {
    const { api, viewer, clock, coordinator } = await setup({ pointsMinAudience: 0 });
    const owners = await Promise.all(Array.from({ length: 8 }, () => streamerFrom(api)));
    const streams = await Promise.all(owners.map((o) => createStream(api, o.apiKey)));
    // The owners attest follows earned from the viewer's live session in each stream.
    await Promise.all(
      streams.map((s) =>
        createSession(api, s.streamId, { viewerId: viewer.viewerId, ip: networkIp() }),
      ),
    );
    clock.advance(120_000);
    const requests = [
      ...owners.map((owner, i) =>
        api.post(
          '/api/viewers/points',
          {
            viewer_id: viewer.viewerId,
            stream_id: streams[i]!.streamId,
            action: 'follow_streamer',
            timestamp: Date.now(),
          },
          { token: owner.apiKey },
        ),
      ),
      ...Array.from({ length: 8 }, () =>
        award(api, viewer, 'watch_time', { duration_seconds: 60 }),
      ),
      ...Array.from({ length: 4 }, () => award(api, viewer, 'chat_message')),
    ];
    const responses = await Promise.all(requests);
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const awarded = responses.reduce((sum, r) => sum + r.body.awarded, 0);
    expect(awarded).toBe(8 * 25 + 2 + 5);
    const { db } = coordinator;
    const history = await db
      .selectFrom('viewer_points')
      .select(sql<number>`coalesce(sum(points), 0)::int8`.as('sum'))
      .where('viewer_id', '=', viewer.viewerId)
      .executeTakeFirstOrThrow();
    const balance = (await api.get(`/api/viewers/${viewer.viewerId}/points`)).body.balance;
    expect(history.sum).toBe(awarded);
    expect(balance).toBe(awarded);
  });

  it('answers a zero balance for an unknown viewer', async () => {
    const { api } = await setup();
    expect((await api.get('/api/viewers/never-seen/points')).body).toEqual({
      viewer_id: 'never-seen',
      balance: 0,
      status: 'none',
      credited_bytes: 0,
    });
    expect((await api.get('/api/viewers/bad%20id/points')).status).toBe(400);
  });
});
