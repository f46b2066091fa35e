import { expect, it } from 'vitest';
import { reputationsOf } from '../src/index.js';
import { manualClock, startCoordinator } from './api.js';
import { credit, nameViewer, record } from './community-setup.js';
import { describeWithDatabases } from './databases.js';
import {
  DAY,
  MINUTE,
  insertHold,
  insertReceivers,
  insertSupporter,
  type Supporter,
} from './economics-setup.js';
import { createSession, createStream, createStreamer } from './fixtures.js';

describeWithDatabases('support squads', (t) => {
  it('joins and leaves with the viewer’s own secret; another viewer’s secret or an unproven session is refused', async () => {
    const clock = manualClock(Date.UTC(2026, 10, 20, 12));
    const { coordinator, api } = await startCoordinator(t, { clock: clock.now });
    const db = coordinator.db;
    const streamer = await createStreamer(api);
    const stranger = await createStreamer(api);
    const { streamId } = await createStream(api, streamer.apiKey);
    const theirs = await createStream(api, stranger.apiKey);
    const now = new Date(clock.now());
    const firstSessionAt = new Date(now.getTime() - DAY);
    const ada = await insertSupporter(db, streamId, { firstSessionAt, passed: 0 });
    const bob = await insertSupporter(db, streamId, { firstSessionAt, passed: 0 });
    const member = (viewerId: string) => `/api/viewers/${viewerId}/squads/${streamer.streamerId}`;

    const refused = [
      await api.post(member(ada.viewerId), { streamId }),
      await api.post(member(ada.viewerId), { streamId }, { token: bob.secret }),
      await api.delete(member(ada.viewerId), { token: bob.secret }),
      await api.get(member(ada.viewerId), { token: bob.secret }),
      await api.get(`${member(ada.viewerId)}/notifications`, { token: bob.secret }),
    ];
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    // A session that did not prove it is the viewer (no viewer secret) is no proof.
    const viewer = await createSession(api, streamId);
    const unproven = await createSession(api, streamId, { viewerId: viewer.viewerId });
    const notVerified = await api.post(
      member(viewer.viewerId),
      { streamId },
      { token: unproven.sessionSecret },
    );
    expect([notVerified.status, notVerified.body.error.code]).toEqual([403, 'VIEWER_NOT_VERIFIED']);
    // Only from one of the streamer's streams; the body is validated.
    const elsewhere = await api.post(
      member(ada.viewerId),
      { streamId: theirs.streamId },
      { token: ada.secret },
    );
    expect(elsewhere.body.error.code).toBe('STREAM_NOT_FOUND');
    expect((await api.post(member(ada.viewerId), {}, { token: ada.secret })).status).toBe(400);

    expect((await api.get(member(ada.viewerId), { token: ada.secret })).body).toEqual({
      streamerId: streamer.streamerId,
      viewerId: ada.viewerId,
      member: false,
      joinedAt: null,
    });
    // Five joins at once: one joins, the others find the member.
    const joins = await Promise.all(
      Array.from({ length: 5 }, () =>
        api.post(member(ada.viewerId), { streamId }, { token: ada.secret }),
      ),
    );
    expect(joins.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(joins[0]!.body).toEqual({
      streamerId: streamer.streamerId,
      viewerId: ada.viewerId,
      member: true,
      joinedAt: now.toISOString(),
    });
    const squad = `/api/streamers/${streamer.streamerId}/squad`;
    expect((await api.get(squad)).body.members).toBe(1);
    const left = await api.delete(member(ada.viewerId), { token: ada.secret });
    expect(left.body.member).toBe(false);
    expect((await api.get(member(ada.viewerId), { token: ada.secret })).body.member).toBe(false);
    expect((await api.get('/api/streamers/no-such-streamer/squad')).status).toBe(404);
  });

  it('notifies the streamer and members of a join once per viewer and day, however often it leaves and joins', async () => {
    const start = Date.UTC(2026, 10, 20, 12);
    const clock = manualClock(start);
    const { coordinator, api } = await startCoordinator(t, { clock: clock.now });
    const events = record(coordinator);
    const db = coordinator.db;
    const streamer = await createStreamer(api);
    const { streamId } = await createStream(api, streamer.apiKey);
    const firstSessionAt = new Date(start - DAY);
    const ada = await insertSupporter(db, streamId, { firstSessionAt, passed: 0 });
    const bob = await insertSupporter(db, streamId, { firstSessionAt, passed: 0 });
    await nameViewer(db, ada.viewerId, 'Ada', new Date(start));
    const member = (s: Supporter) => `/api/viewers/${s.viewerId}/squads/${streamer.streamerId}`;
    const join = (s: Supporter) => api.post(member(s), { streamId }, { token: s.secret });
    const leave = (s: Supporter) => api.delete(member(s), { token: s.secret });
    const streamerList = async () =>
      (
        await api.get(`/api/streamers/${streamer.streamerId}/squad/notifications`, {
          token: streamer.apiKey,
        })
      ).body.notifications.map((n: { text: string }) => n.text);

    await join(bob);
    clock.advance(MINUTE);
    for (let i = 0; i < 5; i++) {
      await join(ada);
      await leave(ada);
    }
    await join(ada);
    expect(await streamerList()).toEqual([
      'Ada joined the support squad',
      'A viewer joined the support squad',
    ]);
    const squadEvents = () => events.filter((e) => e.kind === 'squad_joined');
    expect(squadEvents().map((e) => [e.streamId, e.text])).toEqual([
      [streamId, 'A viewer joined the support squad'],
      [streamId, 'Ada joined the support squad'],
    ]);
    // A member reads the joins since its own; a viewer outside the squad reads none.
    const bobsList = await api.get(`${member(bob)}/notifications`, { token: bob.secret });
    expect(bobsList.body.notifications.map((n: { text: string }) => n.text)).toEqual([
      'Ada joined the support squad',
      'A viewer joined the support squad',
    ]);
    await leave(bob);
    const outside = await api.get(`${member(bob)}/notifications`, { token: bob.secret });
    expect([outside.status, outside.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const other = await createStreamer(api);
    const forbidden = await api.get(`/api/streamers/${streamer.streamerId}/squad/notifications`, {
      token: other.apiKey,
    });
    expect(forbidden.status).toBe(403);

    // The next UTC day a join is news again.
    clock.advance(DAY);
    await leave(ada);
    await join(ada);
    await join(ada);
    expect(await streamerList()).toHaveLength(3);
    expect(squadEvents()).toHaveLength(3);
    const text = JSON.stringify([...events, await streamerList()]);
    for (const s of [ada, bob]) {
      expect(text).not.toContain(s.viewerId);
      expect(text).not.toContain(s.sessionId);
    }
  });

  it("squad figures equal the members' payable credit, reputation uptime and points in the streamer's streams", async () => {
    const start = Date.UTC(2026, 10, 20, 12);
    const clock = manualClock(start);
    const { coordinator, api } = await startCoordinator(t, { clock: clock.now });
    const db = coordinator.db;
    const streamer = await createStreamer(api);
    const stranger = await createStreamer(api);
    const one = await createStream(api, streamer.apiKey);
    const two = await createStream(api, streamer.apiKey);
    const theirs = await createStream(api, stranger.apiKey);
    const now = new Date(start);
    const receivers = await insertReceivers(db, one.streamId, now);
    const firstSessionAt = new Date(start - 100 * DAY);
    // Mature and proven (payable), or new and unproven (below the payable reputation).
    const proven = (streamId: string, viewerId?: string) =>
      insertSupporter(db, streamId, { firstSessionAt, passed: 398, viewerId });
    const a = await proven(one.streamId);
    const aInTwo = await proven(two.streamId, a.viewerId);
    const aElsewhere = await proven(theirs.streamId, a.viewerId);
    const b = await proven(two.streamId);
    const heldSession = await proven(one.streamId, b.viewerId);
    const newcomer = await insertSupporter(db, one.streamId, {
      firstSessionAt: new Date(start - 10 * MINUTE),
      passed: 0,
    });
    const outsider = await proven(one.streamId);
    await credit(db, one.streamId, a, receivers, 5_000_000, now, 5);
    await credit(db, two.streamId, aInTwo, receivers, 3_000_000, now, 5);
    await credit(db, theirs.streamId, aElsewhere, receivers, 7_000_000, now, 5);
    await credit(db, two.streamId, b, receivers, 2_000_000, now, 5);
    await credit(db, one.streamId, heldSession, receivers, 9_000_000, now, 5);
    await insertHold(db, one.streamId, [heldSession], 'held', now);
    await credit(db, one.streamId, newcomer, receivers, 4_000_000, now, 5);
    await credit(db, one.streamId, outsider, receivers, 6_000_000, now, 5);
    // Part rolled up, part still pending: the figures count both.
    await coordinator.flushCredits();
    await credit(db, one.streamId, a, receivers, 1_000_000, now, 5);
    const points = [
      { viewer: a, stream: one.streamId, points: 50 },
      { viewer: b, stream: two.streamId, points: 25 },
      { viewer: a, stream: theirs.streamId, points: 1000 },
      { viewer: outsider, stream: one.streamId, points: 700 },
    ];
    await db
      .insertInto('viewer_points')
      .values(
        points.map((p) => ({
          viewer_id: p.viewer.viewerId,
          stream_id: p.stream,
          action: 'chat',
          points: p.points,
          multiplier: 1,
          duration_seconds: null,
          session_id: null,
          event_at: now,
          created_at: now,
        })),
      )
      .execute();
    for (const s of [a, b, newcomer]) {
      const joined = await api.post(
        `/api/viewers/${s.viewerId}/squads/${streamer.streamerId}`,
        { streamId: one.streamId },
        { token: s.secret },
      );
      expect(joined.status).toBe(201);
    }

    // What the credit route says of each member, less what they served other streamers.
    const creditOf = async (s: Supporter) =>
      (await api.get(`/api/viewers/${s.viewerId}/credit`)).body;
    const [ca, cb, cn] = await Promise.all([a, b, newcomer].map(creditOf));
    expect(ca.payableBytes).toBe(16_000_000);
    expect(cb.frozenBytes).toBe(9_000_000);
    expect(cn.payableBytes).toBe(0);
    const dataServedBytes = ca.payableBytes - 7_000_000 + cb.payableBytes + cn.payableBytes;
    const reputations = await reputationsOf(db, [a.viewerId, b.viewerId, newcomer.viewerId], now);
    const uptimes = [...reputations.values()].map((r) => r.parts.uptime);
    const stats = await api.get(`/api/streamers/${streamer.streamerId}/squad`);
    expect(stats.body).toEqual({
      streamerId: streamer.streamerId,
      members: 3,
      dataServedBytes,
      // 11 MB at 50,000 micro-units per GB.
      savingsMicros: Math.floor((dataServedBytes * 50_000) / 1e9),
      currency: 'usd',
      averageUptime: Math.round(((uptimes[0]! + uptimes[1]! + uptimes[2]!) / 3) * 10_000) / 10_000,
      points: 75,
    });
    expect(dataServedBytes).toBe(11_000_000);
    expect(stats.body.averageUptime).toBeGreaterThan(0);
    expect(stats.body.averageUptime).toBeLessThan(1);
    expect(stats.headers.get('cache-control')).toBe('public, max-age=30');
  });
});
