import { expect, it, vi } from 'vitest';
import type { CommunityEvent } from '../src/community/community-events.js';
import { runCommunity } from '../src/community/community-job.js';
import { manualClock, startCoordinator, type Api } from './api.js';
import { credit, nameViewer, record, secondCoordinator } from './community-setup.js';
import { describeWithDatabases } from './databases.js';
import {
  DAY,
  HOUR,
  MINUTE,
  insertHold,
  insertReceivers,
  insertSupporter,
  type Supporter,
} from './economics-setup.js';
import { createStream, createStreamer } from './fixtures.js';

const GB = 1_000_000_000;
/** Both coordinators run the job only when a test asks, and roll up only on `flushCredits()`. */
const MANUAL = { communityIntervalMs: 0, creditRollupIntervalMs: 0 };

/** No viewer id, session id or address of `supporters` anywhere in `events`. */
function expectNoIdentities(events: readonly CommunityEvent[], supporters: readonly Supporter[]) {
  const text = JSON.stringify(events);
  for (const s of supporters) {
    expect(text).not.toContain(s.viewerId);
    expect(text).not.toContain(s.sessionId);
  }
  expect(text).not.toContain('198.51.100.1');
  expect(text).not.toMatch(/net-\d+/);
}

describeWithDatabases('community social proof and goals', (t) => {
  it('announces a viewer’s first payable credit in a stream once, by name or as "A viewer", never held credit', async () => {
    const clock = manualClock(Date.UTC(2026, 10, 20, 12));
    const { coordinator, api } = await startCoordinator(t, { clock: clock.now, ...MANUAL });
    const other = await secondCoordinator(t, { clock: clock.now, ...MANUAL });
    const seen = [...[coordinator, other.coordinator].map(record)];
    const db = coordinator.db;
    const now = new Date(clock.now());
    const streamer = await createStreamer(api);
    const { streamId } = await createStream(api, streamer.apiKey);
    const second = await createStream(api, streamer.apiKey);
    const receivers = await insertReceivers(db, streamId, now);
    const supporter = (viewerId?: string, stream = streamId) =>
      insertSupporter(db, stream, {
        firstSessionAt: new Date(now.getTime() - DAY),
        passed: 0,
        viewerId,
      });

    const ada = await supporter();
    await nameViewer(db, ada.viewerId, 'Ada', now);
    const adaAgain = await supporter(ada.viewerId);
    const adaElsewhere = await supporter(ada.viewerId, second.streamId);
    const anonymous = await supporter();
    const held = await supporter();
    const late = await supporter();
    for (const s of [ada, adaAgain, anonymous, held])
      await credit(db, streamId, s, receivers, 1000, now);
    await credit(db, second.streamId, adaElsewhere, receivers, 1000, now);
    await insertHold(db, streamId, [held], 'held', now);
    await coordinator.flushCredits();
    // Credited but not rolled up yet: not announced in this round.
    await credit(db, streamId, late, receivers, 1000, now);

    // Three runs at once: two coordinators and a second run inside the first one's process.
    await Promise.all([
      coordinator.runCommunity(),
      other.coordinator.runCommunity(),
      runCommunity(db, coordinator.config, coordinator.community, now),
    ]);
    const joined = () => seen.flat().filter((e) => e.kind === 'supporter_joined');
    expect(
      joined()
        .map((e) => [e.streamId, e.text])
        .sort(),
    ).toEqual(
      [
        [streamId, 'A viewer is now helping power this stream'],
        [streamId, 'Ada is now helping power this stream'],
        [second.streamId, 'Ada is now helping power this stream'],
      ].sort(),
    );
    expect(await db.selectFrom('community_events').select('key').execute()).toHaveLength(3);

    // Rolled up now; a second run finds nothing else new; released, the held viewer counts.
    await coordinator.flushCredits();
    await other.coordinator.runCommunity();
    expect(joined()).toHaveLength(4);
    await db.updateTable('trust_holds').set({ status: 'released' }).execute();
    await Promise.all([coordinator.runCommunity(), other.coordinator.runCommunity()]);
    await coordinator.runCommunity();
    expect(joined()).toHaveLength(5);
    expect(new Set(joined().map((e) => e.id)).size).toBe(5);
    expectNoIdentities(seen.flat(), [
      ada,
      adaAgain,
      adaElsewhere,
      anonymous,
      held,
      late,
      ...receivers.map((r) => ({ ...r, secret: '' })),
    ]);
  });

  it('runs on its own every communityIntervalMs', async () => {
    const { coordinator, api } = await startCoordinator(t, { communityIntervalMs: 50 });
    const db = coordinator.db;
    const now = new Date();
    const streamer = await createStreamer(api);
    const { streamId } = await createStream(api, streamer.apiKey);
    const receivers = await insertReceivers(db, streamId, now);
    const s = await insertSupporter(db, streamId, {
      firstSessionAt: new Date(now.getTime() - DAY),
      passed: 0,
    });
    const announced = new Promise<CommunityEvent>((resolve) =>
      coordinator.community.subscribe(resolve),
    );
    await credit(db, streamId, s, receivers, 1000, now);
    await coordinator.flushCredits();
    expect(await announced).toMatchObject({ kind: 'supporter_joined', streamId });
    // Counted once the run that emitted it returns.
    await vi.waitFor(
      async () => {
        const text = await (await fetch(`${api.url}/metrics`)).text();
        expect(text).toMatch(
          /streamrp2p_coordinator_community_events_total\{kind="supporter_joined"\} 1$/m,
        );
        expect(text).toMatch(
          /streamrp2p_coordinator_community_run_seconds_count\{result="ran"\} [1-9]/,
        );
      },
      { timeout: 5000, interval: 50 },
    );
  });

  it('announces each whole GB of a stream’s payable bytes exactly once, also from two coordinators at once', async () => {
    const clock = manualClock(Date.UTC(2026, 10, 20, 12));
    const { coordinator, api } = await startCoordinator(t, { clock: clock.now, ...MANUAL });
    const other = await secondCoordinator(t, { clock: clock.now, ...MANUAL });
    const seen = [coordinator, other.coordinator].map(record);
    const db = coordinator.db;
    const now = new Date(clock.now());
    const streamer = await createStreamer(api);
    const { streamId } = await createStream(api, streamer.apiKey);
    const receivers = await insertReceivers(db, streamId, now);
    const firstSessionAt = new Date(now.getTime() - DAY);
    const a = await insertSupporter(db, streamId, { firstSessionAt, passed: 0 });
    const b = await insertSupporter(db, streamId, { firstSessionAt, passed: 0 });
    const frozen = await insertSupporter(db, streamId, { firstSessionAt, passed: 0 });
    await credit(db, streamId, a, receivers, 1.5 * GB, now);
    await credit(db, streamId, b, receivers, 0.9 * GB, now);
    await credit(db, streamId, frozen, receivers, 5 * GB, now);
    await insertHold(db, streamId, [frozen], 'voided', now);
    await coordinator.flushCredits();

    const runBoth = () =>
      Promise.all([coordinator.runCommunity(), other.coordinator.runCommunity()]);
    await runBoth();
    const milestones = () =>
      seen
        .flat()
        .filter((e) => e.kind === 'data_milestone')
        .map((e) => e.data.gigabytes)
        .sort();
    expect(milestones()).toEqual([1, 2]);
    await runBoth();
    expect(milestones()).toEqual([1, 2]);

    clock.advance(MINUTE);
    await credit(db, streamId, b, receivers, 0.7 * GB, new Date(clock.now()));
    await coordinator.flushCredits();
    await runBoth();
    await runBoth();
    expect(milestones()).toEqual([1, 2, 3]);
    const three = seen.flat().find((e) => e.data.gigabytes === 3)!;
    expect(three.text).toBe('Viewers have now shared 3 GB of this stream with each other');
    expect(three.streamerId).toBe(streamer.streamerId);
    expectNoIdentities(seen.flat(), [a, b, frozen]);
  });

  const goalsOf = (api: Api, streamerId: string, apiKey: string) =>
    api.get(`/api/streamers/${streamerId}/goals`, { token: apiKey });

  it('counts savings from payable credit since the goal started, up to its deadline, and is reached once', async () => {
    const start = Date.UTC(2026, 10, 20, 12);
    const clock = manualClock(start);
    // 50,000 micro-units per GB (the default CDN cost): 2 GB = 100,000.
    const { coordinator, api } = await startCoordinator(t, { clock: clock.now, ...MANUAL });
    const other = await secondCoordinator(t, { clock: clock.now, ...MANUAL });
    const seen = [coordinator, other.coordinator].map(record);
    const db = coordinator.db;
    const streamer = await createStreamer(api);
    const stranger = await createStreamer(api);
    const one = await createStream(api, streamer.apiKey);
    const two = await createStream(api, streamer.apiKey);
    const theirs = await createStream(api, stranger.apiKey);
    const now = () => new Date(clock.now());
    const receivers = await insertReceivers(db, one.streamId, now());
    const firstSessionAt = new Date(start - DAY);
    const s1 = await insertSupporter(db, one.streamId, { firstSessionAt, passed: 0 });
    const s2 = await insertSupporter(db, two.streamId, { firstSessionAt, passed: 0 });
    // Credit from before a goal starts is not its progress.
    await credit(db, one.streamId, s1, receivers, 3 * GB, new Date(start - MINUTE));

    const path = `/api/streamers/${streamer.streamerId}/goals`;
    const create = (body: unknown, token = streamer.apiKey) => api.post(path, body, { token });
    const bad = [
      await create({ title: 'x', targetMicros: 0 }),
      await create({ title: '', targetMicros: 5 }),
      await create({ title: 'x', targetMicros: 5, deadline: new Date(start - 1).toISOString() }),
      await create({ title: 'x', targetMicros: 5, deadline: 'tomorrow' }),
      await create({ title: 'x', targetMicros: 5, colour: 'red' }),
    ];
    expect(bad.map((r) => [r.status, r.body.error.code])).toEqual(
      Array(5).fill([400, 'VALIDATION_ERROR']),
    );
    expect(bad[2]!.body.error.message).toContain('body.deadline');
    expect((await create({ title: 'x', targetMicros: 5, streamId: theirs.streamId })).status).toBe(
      404,
    );
    expect((await create({ title: 'x', targetMicros: 5 }, stranger.apiKey)).status).toBe(403);

    const a = await create({
      title: 'Save 2 GB here',
      targetMicros: 100_000,
      streamId: one.streamId,
    });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ status: 'active', progressMicros: 0, streamId: one.streamId });
    const b = await create({
      title: 'Whole channel',
      targetMicros: 150_000,
      deadline: new Date(start + HOUR).toISOString(),
    });
    expect(b.body.streamId).toBeNull();

    clock.advance(MINUTE);
    await credit(db, one.streamId, s1, receivers, 1 * GB, now());
    await coordinator.runCommunity();
    let goals = (await goalsOf(api, streamer.streamerId, streamer.apiKey)).body.goals;
    expect(goals.map((g: { progressMicros: number }) => g.progressMicros)).toEqual([
      50_000, 50_000,
    ]);

    // Past B's deadline: credit in both streams counts for A only, and A is reached once.
    clock.advance(2 * HOUR);
    await credit(db, two.streamId, s2, receivers, 2 * GB, now());
    await credit(db, one.streamId, s1, receivers, 1 * GB, now());
    const held = await insertSupporter(db, one.streamId, { firstSessionAt, passed: 0 });
    await credit(db, one.streamId, held, receivers, 5 * GB, now());
    await insertHold(db, one.streamId, [held], 'held', now());
    await Promise.all([coordinator.runCommunity(), other.coordinator.runCommunity()]);
    await Promise.all([coordinator.runCommunity(), other.coordinator.runCommunity()]);
    goals = (await goalsOf(api, streamer.streamerId, streamer.apiKey)).body.goals;
    const byId = new Map(goals.map((g: { goalId: string }) => [g.goalId, g]));
    expect(byId.get(a.body.goalId)).toMatchObject({
      status: 'reached',
      progressMicros: 100_000,
      progressBytes: 2 * GB,
      reachedAt: now().toISOString(),
    });
    expect(byId.get(b.body.goalId)).toMatchObject({ status: 'expired', progressMicros: 50_000 });
    const reached = () => seen.flat().filter((e) => e.kind === 'goal_reached');
    expect(reached()).toHaveLength(1);
    expect(reached()[0]).toMatchObject({
      streamId: one.streamId,
      text: 'Community goal reached: Save 2 GB here ($0.10 saved)',
      data: { goalId: a.body.goalId, targetMicros: 100_000, progressMicros: 100_000 },
    });

    // A reached goal no longer changes; an open one does, and ends.
    const patch = (id: string, body: unknown) =>
      api.patch(`${path}/${id}`, body, { token: streamer.apiKey });
    expect((await patch(a.body.goalId, { targetMicros: 5 })).body.error.code).toBe('GOAL_CLOSED');
    expect((await patch(a.body.goalId, {})).status).toBe(400);
    const c = await create({ title: 'Channel, again', targetMicros: 150_000 });
    const renamed = await patch(c.body.goalId, { title: 'Channel night', deadline: null });
    expect(renamed.body).toMatchObject({
      title: 'Channel night',
      deadline: null,
      status: 'active',
    });

    // A goal of all streams is announced in each of them.
    clock.advance(MINUTE);
    await credit(db, two.streamId, s2, receivers, 2 * GB, now());
    await credit(db, one.streamId, s1, receivers, 1 * GB, now());
    await Promise.all([coordinator.runCommunity(), other.coordinator.runCommunity()]);
    expect(
      reached()
        .map((e) => e.streamId)
        .sort(),
    ).toEqual([one.streamId, one.streamId, two.streamId].sort());

    const d = await create({ title: 'Short-lived', targetMicros: 1_000_000 });
    const ended = await api.post(`${path}/${d.body.goalId}/end`, undefined, {
      token: streamer.apiKey,
    });
    expect(ended.body.status).toBe('ended');
    const again = await api.post(`${path}/${d.body.goalId}/end`, undefined, {
      token: streamer.apiKey,
    });
    expect(again.body).toEqual(ended.body);
    expect((await patch(d.body.goalId, { title: 'x' })).status).toBe(409);
    expect((await patch('no-such-goal', { title: 'x' })).body.error.code).toBe('GOAL_NOT_FOUND');

    // The player's feed: the goals counting the stream (not the ended one), newest events first.
    const feed = await api.get(`/api/streams/${two.streamId}/community`);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('cache-control')).toBe('public, max-age=10');
    expect(feed.body.streamerId).toBe(streamer.streamerId);
    expect(feed.body.goals.map((g: { title: string }) => g.title)).toEqual([
      'Whole channel',
      'Channel night',
    ]);
    expect(feed.body.events[0]).toMatchObject({ kind: 'goal_reached', streamId: two.streamId });
    expect(feed.body.squad).toEqual({ members: 0 });
    expectNoIdentities(feed.body.events, [s1, s2, held]);
    expectNoIdentities(seen.flat(), [s1, s2, held]);
    expect((await api.get('/api/streams/no-such-stream/community')).status).toBe(404);

    // Credit counted into a goal's settled part, then frozen by a hold: taken off; released: back.
    clock.advance(MINUTE);
    const e = await create({ title: 'Long haul', targetMicros: 1_000_000_000 });
    const late = await insertSupporter(db, one.streamId, { firstSessionAt, passed: 0 });
    clock.advance(MINUTE);
    await credit(db, one.streamId, late, receivers, 1 * GB, now());
    clock.advance(5 * MINUTE);
    const progressOfE = async () => {
      await coordinator.runCommunity();
      const all = (await goalsOf(api, streamer.streamerId, streamer.apiKey)).body.goals;
      return all.find((g: { goalId: string }) => g.goalId === e.body.goalId).progressBytes;
    };
    expect(await progressOfE()).toBe(1 * GB);
    const [settled] = await db
      .selectFrom('community_goals')
      .select(['counted_bytes', 'counted_through'])
      .where('id', '=', e.body.goalId)
      .execute();
    expect(settled).toEqual({
      counted_bytes: 1 * GB,
      counted_through: new Date(clock.now() - MINUTE),
    });
    const holdId = await insertHold(db, one.streamId, [late], 'held', now());
    expect(await progressOfE()).toBe(0);
    await db
      .updateTable('trust_holds')
      .set({ status: 'released' })
      .where('id', '=', holdId)
      .execute();
    expect(await progressOfE()).toBe(1 * GB);
  });
});
