/**
 * Points farming (issue 10): no viewer identity earns above the honest rates, whatever its
 * number of sessions, streams or accounts. Every rule on both backends, and under concurrency.
 */
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { startCoordinator, type Api } from './api.js';
import { describeWithDatabases } from './databases.js';
import { createSession, createStream, receiptKeys, type TestSession } from './fixtures.js';
import {
  audience,
  award,
  networkIp,
  pointsSetup,
  refusedCount,
  streamerFrom,
} from './points-setup.js';

/** The sum of `responses`' `awarded`, all of them 200. */
function awarded(responses: Array<{ status: number; body: { awarded: number } }>): number {
  expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
  return responses.reduce((sum, r) => sum + r.body.awarded, 0);
}

/** Another host on the same /24 as `ip`. */
function neighbour(ip: string, host = 99): string {
  return ip.replace(/\.\d+$/, `.${host}`);
}

describeWithDatabases('points farming', (t) => {
  it('100 parallel heartbeats of 100 sessions of one viewer earn the wall-clock minutes, once', async () => {
    const { api, viewer, stream, clock, coordinator } = await pointsSetup(t, {
      sessionTtlSeconds: 3600,
    });
    const sessions = [
      viewer,
      ...(await Promise.all(
        Array.from({ length: 99 }, () =>
          createSession(api, stream.streamId, { viewerId: viewer.viewerId, ip: networkIp() }),
        ),
      )),
    ];
    const beatAll = (seconds: number) =>
      Promise.all(sessions.map((s) => award(api, s, 'watch_time', { duration_seconds: seconds })));
    clock.advance(5 * 60_000);
    expect(awarded(await beatAll(300))).toBe(5);
    expect(awarded(await beatAll(300))).toBe(0);
    clock.advance(60_000);
    expect(awarded(await beatAll(60))).toBe(1);
    expect(await refusedCount(api, 'watch_time', 'wall_clock')).toBeGreaterThanOrEqual(99);

    const { db } = coordinator;
    const budget = await db
      .selectFrom('point_balances')
      .select(['balance', 'watch_ms'])
      .where('viewer_id', '=', viewer.viewerId)
      .executeTakeFirstOrThrow();
    expect(budget).toEqual({ balance: 6, watch_ms: 6 * 60_000 });
    const history = await db
      .selectFrom('viewer_points')
      .select(sql<number>`coalesce(sum(points), 0)::int8`.as('sum'))
      .where('viewer_id', '=', viewer.viewerId)
      .executeTakeFirstOrThrow();
    expect(history.sum).toBe(6);
    const perSession = await db
      .selectFrom('sessions')
      .select(sql<number>`coalesce(sum(watch_ms), 0)::int8`.as('sum'))
      .where('viewer_id', '=', viewer.viewerId)
      .executeTakeFirstOrThrow();
    expect(perSession.sum).toBe(6 * 60_000);
  });

  it('pays nothing for chat and follow on streams of the same person', async () => {
    const { api, stream, streamer } = await pointsSetup(t);
    // Shares pay only through referrals (referral-farming.test.ts applies these rules to them).
    const social = async (session: TestSession, token = session.sessionSecret) =>
      awarded([
        await award(api, session, 'chat_message', {}, token),
        await award(api, session, 'follow_streamer', {}, token),
      ]);
    const at = (ip: string, viewerId?: string) =>
      createSession(api, stream.streamId, { ip, ...(viewerId === undefined ? {} : { viewerId }) });

    // The owner's address, its /24, its account id as viewer id.
    expect(await social(await at(streamer.ip))).toBe(0);
    expect(await social(await at(neighbour(streamer.ip)))).toBe(0);
    expect(await social(await at(networkIp(), streamer.streamerId))).toBe(0);
    // A key first used on the owner's network, now by another viewer from elsewhere.
    const keys = await receiptKeys();
    const onOwnerNetwork = await api.post(
      '/api/sessions',
      { streamId: stream.streamId, publicKey: keys.publicKey },
      { ip: neighbour(streamer.ip, 50) },
    );
    expect(onOwnerNetwork.status).toBe(201);
    await api.delete(`/api/sessions/${onOwnerNetwork.body.sessionId}`, {
      token: onOwnerNetwork.body.sessionSecret,
    });
    const sameKey = await api.post(
      '/api/sessions',
      { streamId: stream.streamId, publicKey: keys.publicKey },
      { ip: networkIp() },
    );
    expect(sameKey.status).toBe(201);
    expect(await social({ ...sameKey.body, streamId: stream.streamId })).toBe(0);
    // A viewer seen on the owner's network before, now from elsewhere.
    const moved = await at(neighbour(streamer.ip, 60));
    expect(await social(await at(networkIp(), moved.viewerId))).toBe(0);
    // The owner's key attesting its own-address viewer: the site's backend, but still its own.
    expect(await social(await at(streamer.ip), streamer.apiKey)).toBe(0);
    expect(await refusedCount(api, 'chat_message', 'own_stream')).toBe(6);

    // A stranger earns, by its own session or by the owner's attestation.
    expect(await social(await at(networkIp()))).toBe(30);
    expect(await social(await at(networkIp()), streamer.apiKey)).toBe(30);
    // The owner attests a viewer with no live session in the stream: nothing to earn from.
    const absent = { viewerId: 'absent-viewer', streamId: stream.streamId, sessionSecret: '' };
    expect(await social(absent as TestSession, streamer.apiKey)).toBe(0);
    expect(await refusedCount(api, 'follow_streamer', 'no_session')).toBe(1);
  });

  it('pays chat, follow and share only before an audience of other viewers on distinct networks', async () => {
    const { api, clock } = await pointsSetup(t);
    const owner = await streamerFrom(api);
    const { streamId } = await createStream(api, owner.apiKey);
    const earner = await createSession(api, streamId, { ip: networkIp() });
    const chat = async (session: TestSession = earner) =>
      (await award(api, session, 'chat_message')).body.awarded as number;

    expect(await chat()).toBe(0);
    expect((await award(api, earner, 'follow_streamer')).body.awarded).toBe(0);
    expect((await award(api, earner, 'share_stream')).body.awarded).toBe(0);
    const pair = await audience(api, streamId, 2);
    expect(await chat()).toBe(0);
    // None of these count: the earner's own other sessions, other viewers on its network or
    // the owner's, one more session of a viewer already counted.
    await createSession(api, streamId, { viewerId: earner.viewerId, ip: networkIp() });
    await createSession(api, streamId, { ip: neighbour(earner.ip) });
    await createSession(api, streamId, { ip: neighbour(owner.ip) });
    await createSession(api, streamId, { viewerId: pair[0]!.viewerId, ip: networkIp() });
    expect(await chat()).toBe(0);
    expect(await refusedCount(api, 'chat_message', 'no_audience')).toBe(3);
    // Three viewers on three networks: an audience.
    await audience(api, streamId, 1);
    expect(await chat()).toBe(5);

    // Once they have gone (expired), nobody is watching any more.
    clock.advance(181_000);
    const later = await createSession(api, streamId, {
      viewerId: earner.viewerId,
      ip: networkIp(),
    });
    expect(await chat(later)).toBe(0);
    // pointsMinAudience 0 switches the rule off.
    const { api: open } = await startCoordinator(t, {
      indexerEnabled: false,
      clock: clock.now,
      pointsMinAudience: 0,
      pointsMinWatchSeconds: 0,
    });
    expect((await award(open, later, 'chat_message')).body.awarded).toBe(5);
  });

  it('pays chat, follow and share only after a minute of watching the stream, and chat once per 10 s anywhere', async () => {
    const { api, viewer, clock } = await pointsSetup(t, {
      pointsMinAudience: 0,
      pointsMinWatchSeconds: undefined,
    });
    const owner = await streamerFrom(api);
    const other = await createStream(api, owner.apiKey);
    const there = await createSession(api, other.streamId, {
      viewerId: viewer.viewerId,
      ip: networkIp(),
    });
    const social = async (session: TestSession, token = session.sessionSecret) =>
      awarded([
        await award(api, session, 'chat_message', {}, token),
        await award(api, session, 'follow_streamer', {}, token),
      ]);
    const watch = (session: TestSession, seconds: number) =>
      award(api, session, 'watch_time', { duration_seconds: seconds });

    expect(await social(viewer)).toBe(0);
    clock.advance(30_000);
    await watch(viewer, 30);
    expect(await social(viewer)).toBe(0);
    expect(await refusedCount(api, 'follow_streamer', 'not_watching')).toBe(2);
    clock.advance(30_000);
    // Both sessions claim the same 30 s: the viewer's budget gives them once, to the first.
    await watch(viewer, 30);
    await watch(there, 60);
    expect(await social(viewer)).toBe(30);
    // Its other stream is not watched yet, whoever attests (and it chatted a moment ago).
    expect(await social(there)).toBe(0);
    expect(await social(there, owner.apiKey)).toBe(0);
    clock.advance(60_000);
    await watch(there, 60);
    expect(await social(there)).toBe(30);
    // One chat per 10 s over all the viewer's streams.
    expect((await award(api, viewer, 'chat_message')).body.awarded).toBe(0);
    clock.advance(10_001);
    expect((await award(api, viewer, 'chat_message')).body.awarded).toBe(5);
  });

  it('caps each action per viewer per day, over all streams', async () => {
    const { api, viewer, clock } = await pointsSetup(t, {
      pointsMinAudience: 0,
      pointsChatDailyCap: 3,
      pointsFollowDailyCap: 2,
      pointsShareDailyCap: 1,
      sessionTtlSeconds: 100_000,
    });
    const streams = await Promise.all(
      [1, 2, 3].map(async () => {
        const owner = await streamerFrom(api);
        return createStream(api, owner.apiKey);
      }),
    );
    const sessions = await Promise.all(
      streams.map((s) =>
        createSession(api, s.streamId, { viewerId: viewer.viewerId, ip: networkIp() }),
      ),
    );
    const chats = [];
    for (let i = 0; i < 4; i++) {
      clock.advance(11_000);
      chats.push((await award(api, viewer, 'chat_message')).body.awarded);
    }
    expect(chats).toEqual([5, 5, 5, 0]);
    // The cap is the viewer's, not the stream's.
    expect((await award(api, sessions[0]!, 'chat_message')).body.awarded).toBe(0);
    const follows = [];
    for (const s of sessions) follows.push((await award(api, s, 'follow_streamer')).body.awarded);
    expect(follows).toEqual([25, 25, 0]);
    expect(await refusedCount(api, 'chat_message', 'daily_cap')).toBe(2);
    expect(await refusedCount(api, 'follow_streamer', 'daily_cap')).toBe(1);

    // Concurrent follows of five more streamers by a fresh viewer: exactly the cap pays.
    const fresh = await createSession(api, viewer.streamId, { ip: networkIp() });
    const more = await Promise.all(
      [1, 2, 3, 4, 5].map(async () => createStream(api, (await streamerFrom(api)).apiKey)),
    );
    const there = await Promise.all(
      more.map((s) =>
        createSession(api, s.streamId, { viewerId: fresh.viewerId, ip: networkIp() }),
      ),
    );
    expect(awarded(await Promise.all(there.map((s) => award(api, s, 'follow_streamer'))))).toBe(50);

    // A day later the caps start over; the follow not paid yesterday pays now, once.
    clock.advance(24 * 3600 * 1000);
    expect((await award(api, viewer, 'chat_message')).body.awarded).toBe(5);
    expect((await award(api, sessions[2]!, 'follow_streamer')).body.awarded).toBe(25);
    expect((await award(api, sessions[2]!, 'follow_streamer')).body.awarded).toBe(0);
  });

  it('caps each action per address, however many viewer ids share it, also concurrently', async () => {
    const { api, stream } = await pointsSetup(t, {
      pointsMinAudience: 0,
      pointsChatDailyCap: 2,
      pointsAddressCapFactor: 1,
    });
    const household = networkIp();
    const viewers = [];
    for (let i = 0; i < 3; i++)
      viewers.push(await createSession(api, stream.streamId, { ip: household }));
    const chats = [];
    for (const v of viewers) chats.push((await award(api, v, 'chat_message')).body.awarded);
    expect(chats).toEqual([5, 5, 0]);
    expect(await refusedCount(api, 'chat_message', 'address_cap')).toBe(1);
    // The third viewer from another address earns its own chat.
    const elsewhere = await createSession(api, stream.streamId, {
      viewerId: viewers[2]!.viewerId,
      ip: networkIp(),
    });
    expect((await award(api, elsewhere, 'chat_message')).body.awarded).toBe(5);

    // Ten viewers of one address at once: exactly the address cap pays.
    const farm = networkIp();
    const many = await Promise.all(
      Array.from({ length: 10 }, () => createSession(api, stream.streamId, { ip: farm })),
    );
    expect(awarded(await Promise.all(many.map((v) => award(api, v, 'chat_message'))))).toBe(10);
  });

  it('pays a follow once, a chat once per cooldown and no share asked for, under 20 concurrent requests', async () => {
    const { api, viewer, streamer } = await pointsSetup(t);
    const burst = (action: string, api_: Api = api) =>
      Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          // Half by the viewer's session, half attested by the owner's key.
          award(api_, viewer, action, {}, i % 2 === 0 ? viewer.sessionSecret : streamer.apiKey),
        ),
      );
    expect(awarded(await burst('follow_streamer'))).toBe(25);
    expect(awarded(await burst('chat_message'))).toBe(5);
    expect(awarded(await burst('share_stream'))).toBe(0);
    expect(await refusedCount(api, 'share_stream', 'referral_only')).toBe(20);
    expect((await api.get(`/api/viewers/${viewer.viewerId}/points`)).body.balance).toBe(30);
  });
});
