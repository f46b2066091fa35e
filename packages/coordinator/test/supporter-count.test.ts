import { expect, it } from 'vitest';
import { describeWithDatabases } from './databases.js';
import { manualClock, startCoordinator } from './api.js';
import { createStream, createStreamer } from './fixtures.js';
import {
  DAY,
  insertHold,
  insertReceipts,
  insertReceivers,
  insertSupporter,
} from './economics-setup.js';

describeWithDatabases('stream supporters count', (t) => {
  it('counts distinct viewers credited in the last 30 days, frozen credit excluded, cached 60 s', async () => {
    const clock = manualClock(Date.UTC(2026, 10, 1));
    const { coordinator, api } = await startCoordinator(t, { clock: clock.now });
    const db = coordinator.db;
    const streamer = await createStreamer(api);
    const { streamId } = await createStream(api, streamer.apiKey);
    const other = await createStream(api, streamer.apiKey);
    const now = new Date(clock.now());
    const receivers = await insertReceivers(db, streamId, now);
    const supporter = (viewerId?: string) =>
      insertSupporter(db, streamId, {
        firstSessionAt: new Date(now.getTime() - DAY),
        passed: 0,
        viewerId,
      });
    const credit = (
      who: Awaited<ReturnType<typeof supporter>>,
      creditedAt: Date,
      stream = streamId,
    ) => insertReceipts(db, stream, who, receivers, { count: 2, byteLength: 1000, creditedAt });

    const empty = await api.get(`/api/streams/${streamId}/supporters`);
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ streamId, supporters: 0, windowDays: 30 });

    const a = await supporter();
    await credit(a, now);
    // Two sessions of one viewer are one supporter.
    await credit(await supporter(a.viewerId), now);
    await credit(await supporter(), new Date(now.getTime() - 29 * DAY));
    // Outside the window, another stream, held and voided credit: not counted.
    await credit(await supporter(), new Date(now.getTime() - 31 * DAY));
    await credit(await supporter(), now, other.streamId);
    const held = await supporter();
    await credit(held, now);
    await insertHold(db, streamId, [held], 'held', now);
    const voided = await supporter();
    await credit(voided, now);
    await insertHold(db, streamId, [voided], 'voided', now);

    // The empty answer is cached for 60 s.
    expect((await api.get(`/api/streams/${streamId}/supporters`)).body.supporters).toBe(0);
    clock.advance(61_000);
    const counted = await api.get(`/api/streams/${streamId}/supporters`);
    expect(counted.body).toEqual({ streamId, supporters: 2, windowDays: 30 });
    expect(counted.headers.get('cache-control')).toBe('public, max-age=60');

    // Released, a hold's supporter counts again.
    await db
      .updateTable('trust_holds')
      .set({ status: 'released' })
      .where('stream_id', '=', streamId)
      .where('status', '=', 'held')
      .execute();
    clock.advance(61_000);
    expect((await api.get(`/api/streams/${streamId}/supporters`)).body.supporters).toBe(3);
  });

  it('answers 404 for an unknown stream and 400 for a malformed id', async () => {
    const { api } = await startCoordinator(t);
    const unknown = await api.get('/api/streams/no-such-stream/supporters');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('STREAM_NOT_FOUND');
    const bad = await api.get(`/api/streams/${'x'.repeat(200)}/supporters`);
    expect(bad.status).toBe(400);
  });
});
