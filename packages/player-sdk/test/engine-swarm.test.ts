import wrtc from '@roamhq/wrtc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveOrigin, type LiveOrigin } from '@streamrp2p/live-origin';
import { createTracker, type Tracker } from '@streamrp2p/tracker';
import { P2PEngine } from '../src/p2p/engine.js';
import { PlaybackClock } from '../../../test/support/live-swarm.js';
import { until } from './engine-events.js';

describe('engines in Node share a live stream over WebRTC', () => {
  let origin: LiveOrigin;
  let tracker: Tracker;
  let trackerUrl: string;
  const engines: P2PEngine[] = [];
  const clocks: PlaybackClock[] = [];

  beforeAll(async () => {
    origin = await startLiveOrigin();
    tracker = createTracker({ maxPeersPerIpPerSwarm: 10 });
    trackerUrl = (await tracker.start()).url;
  });

  afterAll(async () => {
    clocks.forEach((clock) => clock.stop());
    await Promise.all(engines.map((engine) => engine.destroy()));
    await tracker?.close();
    await origin?.close();
  });

  it('three viewers fetch most segments once from the origin and the rest from each other', async () => {
    const playlist = `${origin.url}/live/240p/index.m3u8`;
    for (let i = 0; i < 3; i++) {
      const engine = new P2PEngine({ streamId: 'node-test', trackerUrl, wrtc, iceServers: [] });
      engines.push(engine);
      await new Promise<void>((resolve) => engine.once('ready', () => resolve()));
    }
    // The mesh forms before playback starts, as viewers of a running stream would find it.
    for (const engine of engines) engine.prepare(['240p']);
    await until(() => engines.every((engine) => engine.getStats().peers === 2), 'the mesh to form');
    origin.resetStats();
    for (const engine of engines) {
      const clock = new PlaybackClock(engine, playlist, '240p');
      clocks.push(clock);
      clock.start();
    }
    // About 16 s of playback: 11 segments each (3 from the live edge's backlog, then one per 2 s).
    await until(
      () => clocks.every((clock) => clock.loaded.size >= 11),
      'every viewer to play 11 segments',
      40_000,
    );
    clocks.forEach((clock) => clock.stop());

    const stats = engines.map((engine) => engine.getStats());
    for (const clock of clocks) expect(clock.errors).toEqual([]);
    expect(stats.every((s) => s.peers === 2)).toBe(true);
    const p2p = stats.reduce((sum, s) => sum + s.p2pBytes, 0);
    const http = stats.reduce((sum, s) => sum + s.httpBytes, 0);
    expect(p2p).toBeGreaterThan(0);
    expect(stats.reduce((sum, s) => sum + s.uploadedBytes, 0)).toBe(p2p);
    // The same segment from every viewer is byte-identical, whoever served it.
    for (const [sequence, bytes] of clocks[0]!.loaded) {
      const other = clocks[1]!.loaded.get(sequence);
      if (other) expect(Buffer.compare(Buffer.from(bytes), Buffer.from(other))).toBe(0);
    }
    // The origin served the segment bytes the engines fetched over HTTP, and clearly less than
    // three viewers' worth. A transfer handed over to a peer part-way (decision 64) leaves bytes
    // the origin had already written that the engine never read: at most one segment each.
    const served = origin.stats().segmentBytes;
    expect(served).toBeGreaterThanOrEqual(http);
    const segmentBytes = Math.max(...[...clocks[0]!.loaded.values()].map((b) => b.byteLength));
    expect(served - http).toBeLessThanOrEqual(clocks.length * segmentBytes);
    expect(p2p / (p2p + http)).toBeGreaterThan(0.4);
    console.log('node swarm:', {
      p2p,
      http,
      share: p2p / (p2p + http),
      clocks: clocks.map((c) => c.sources),
    });
  }, 60_000);
});
