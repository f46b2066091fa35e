/**
 * Follows (issue 13, decision 39): a viewer follows and unfollows a streamer with its own
 * session; the first follow ever pays 25 points, once, also unfollowed and followed again and
 * under concurrent requests; the points rules still hold (address caps, own stream); the
 * follower count is public.
 */
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import type { Api } from './api.js';
import { describeWithDatabases } from './databases.js';
import { createSession, createStream, type TestSession } from './fixtures.js';
import { networkIp, pointsSetup, refusedCount, streamerFrom } from './points-setup.js';

function follow(api: Api, session: TestSession, streamId = session.streamId) {
  return api.post(
    `/api/viewers/${session.viewerId}/follows`,
    { streamId },
    { token: session.sessionSecret },
  );
}

function unfollow(api: Api, session: TestSession, streamerId: string) {
  return api.delete(`/api/viewers/${session.viewerId}/follows/${streamerId}`, {
    token: session.sessionSecret,
  });
}

describeWithDatabases('follows', (t) => {
  it('pays 25 points once ever: followed again, unfollowed and followed again, 10 requests at once', async () => {
    const { api, viewer, stream, streamer, coordinator } = await pointsSetup(t);
    const followers = async () => (await api.get(`/api/streams/${stream.streamId}/followers`)).body;
    expect(await followers()).toEqual({
      streamId: stream.streamId,
      streamerId: streamer.streamerId,
      followers: 0,
    });

    const first = await follow(api, viewer);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      streamerId: streamer.streamerId,
      awarded: 25,
      balance: 25,
      followers: 1,
    });
    const again = await follow(api, viewer);
    expect(again.body).toMatchObject({
      awarded: 0,
      balance: 25,
      followedAt: first.body.followedAt,
    });
    const listed = await api.get(`/api/viewers/${viewer.viewerId}/follows`, {
      token: viewer.sessionSecret,
    });
    expect(listed.body).toEqual({
      follows: [
        { streamerId: streamer.streamerId, name: 'streamer', followedAt: first.body.followedAt },
      ],
    });

    expect((await unfollow(api, viewer, streamer.streamerId)).status).toBe(204);
    expect((await unfollow(api, viewer, streamer.streamerId)).status).toBe(204);
    expect((await followers()).followers).toBe(0);
    expect(
      (await api.get(`/api/viewers/${viewer.viewerId}/follows`, { token: viewer.sessionSecret }))
        .body.follows,
    ).toEqual([]);
    const refollow = await follow(api, viewer);
    expect(refollow.body).toMatchObject({ awarded: 0, balance: 25, followers: 1 });
    expect(await refusedCount(api, 'follow_streamer', 'already_followed')).toBe(2);

    // A fresh viewer's ten follows at once: one pays.
    const fresh = await createSession(api, stream.streamId, { ip: networkIp() });
    const burst = await Promise.all(Array.from({ length: 10 }, () => follow(api, fresh)));
    expect(burst.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(burst.reduce((sum, r) => sum + r.body.awarded, 0)).toBe(25);
    expect((await followers()).followers).toBe(2);
    const paid = await coordinator.db
      .selectFrom('viewer_points')
      .select(sql<number>`count(*)::int4`.as('n'))
      .where('viewer_id', 'in', [viewer.viewerId, fresh.viewerId])
      .where('action', '=', 'follow_streamer')
      .executeTakeFirstOrThrow();
    expect(paid.n).toBe(2);
  });

  it('pays only while watching the stream, never the owner, and no address above its cap', async () => {
    const { api, stream, streamer } = await pointsSetup(t, {
      pointsFollowDailyCap: 1,
      pointsAddressCapFactor: 3,
    });
    // Followed from a session in another streamer's stream: followed, nothing earned there...
    const elsewhere = await streamerFrom(api);
    const otherStream = await createStream(api, elsewhere.apiKey);
    const away = await createSession(api, otherStream.streamId, { ip: networkIp() });
    const fromAway = await follow(api, away, stream.streamId);
    expect(fromAway.body).toMatchObject({ awarded: 0, followers: 1 });
    // ...until it follows again from the stream itself (never paid before).
    const watching = await createSession(api, stream.streamId, {
      viewerId: away.viewerId,
      viewerSecret: away.viewerSecret!,
      ip: networkIp(),
    });
    expect((await follow(api, watching)).body.awarded).toBe(25);

    // The owner's own address follows: recorded, unpaid.
    const own = await createSession(api, stream.streamId, { ip: streamer.ip });
    expect((await follow(api, own)).body).toMatchObject({ awarded: 0, followers: 2 });
    expect(await refusedCount(api, 'follow_streamer', 'own_stream')).toBe(1);

    // Eight fresh viewer ids from one address: the address cap (1 x 3) pays three.
    const farm = networkIp();
    const farmed: number[] = [];
    for (let i = 0; i < 8; i++) {
      const session = await createSession(api, stream.streamId, { ip: farm });
      farmed.push((await follow(api, session)).body.awarded);
    }
    expect(farmed).toEqual([25, 25, 25, 0, 0, 0, 0, 0]);
    expect(await refusedCount(api, 'follow_streamer', 'address_cap')).toBe(5);
    expect((await api.get(`/api/streams/${stream.streamId}/followers`)).body.followers).toBe(10);
  });

  it('needs a session that proved the viewer; 404 for an unknown stream', async () => {
    const { api, viewer, stream, streamer } = await pointsSetup(t);
    const unproven = await createSession(api, stream.streamId, { viewerId: viewer.viewerId });
    const refused = await follow(api, unproven);
    expect([refused.status, refused.body.error.code]).toEqual([403, 'VIEWER_NOT_VERIFIED']);
    expect((await unfollow(api, unproven, streamer.streamerId)).status).toBe(403);
    const noToken = await api.post(`/api/viewers/${viewer.viewerId}/follows`, {
      streamId: stream.streamId,
    });
    expect(noToken.status).toBe(401);
    const unknown = await follow(api, viewer, 'no-such-stream');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'STREAM_NOT_FOUND']);
    expect((await api.get('/api/streams/no-such-stream/followers')).status).toBe(404);
    const bad = await api.post(
      `/api/viewers/${viewer.viewerId}/follows`,
      { streamId: stream.streamId, extra: 1 },
      { token: viewer.sessionSecret },
    );
    expect(bad.status).toBe(400);
  });
});
