import wrtc from '@roamhq/wrtc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveOrigin, type LiveOrigin } from '@streamrp2p/live-origin';
import { createTracker, type Tracker } from '@streamrp2p/tracker';
import { P2PEngine } from '../src/p2p/engine.js';
import { until } from './engine-events.js';

describe('a full peer answers new offers with busy', () => {
  let origin: LiveOrigin;
  let tracker: Tracker;
  let trackerUrl: string;
  const engines: P2PEngine[] = [];

  beforeAll(async () => {
    origin = await startLiveOrigin();
    tracker = createTracker({ maxPeersPerIpPerSwarm: 10 });
    trackerUrl = (await tracker.start()).url;
  });

  afterAll(async () => {
    await Promise.all(engines.map((engine) => engine.destroy()));
    await tracker?.close();
    await origin?.close();
  });

  async function engine(maxPeers: number): Promise<P2PEngine> {
    const created = new P2PEngine({ streamId: 'busy', trackerUrl, wrtc, iceServers: [], maxPeers });
    engines.push(created);
    await new Promise<void>((resolve) => created.once('ready', () => resolve()));
    // Joining a swarm happens on the first segment.
    await created.loadSegment({
      rendition: '240p',
      sequence: 0,
      url: `${origin.url}/vod/240p/seg0.ts`,
      deadlineMs: 0,
      live: false,
    });
    return created;
  }

  it('the caller gives up at once instead of waiting for the connection timeout', async () => {
    // A accepts maxPeers + 2 = 3 connections; the fourth caller must hear "busy".
    const full = await engine(1);
    const callers: P2PEngine[] = [];
    for (let i = 0; i < 3; i++) callers.push(await engine(10));
    await until(() => full.getStats().peers === 3, 'the full engine to take three callers');
    const late = new P2PEngine({
      streamId: 'busy',
      trackerUrl,
      wrtc,
      iceServers: [],
      maxPeers: 10,
    });
    engines.push(late);
    const refused = new Promise<{ peerId: string; reason: string }>((resolve) =>
      late.on('peer-close', (event) => {
        if (event.reason.includes('no room')) resolve(event);
      }),
    );
    const startedAt = Date.now();
    await late.loadSegment({
      rendition: '240p',
      sequence: 1,
      url: `${origin.url}/vod/240p/seg1.ts`,
      deadlineMs: 0,
      live: false,
    });
    const event = await refused;
    expect(event.peerId).toBe(full.peerId);
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  }, 40_000);
});
