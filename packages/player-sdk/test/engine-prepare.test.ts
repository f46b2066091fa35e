import wrtc from '@roamhq/wrtc';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { createTracker, type Tracker } from '@streamrp2p/tracker';
import { P2PEngine, PREPARED_SWARMS_MAX } from '../src/p2p/engine.js';

describe('P2PEngine.prepare', () => {
  let tracker: Tracker;
  let trackerUrl: string;
  const engines: P2PEngine[] = [];

  beforeAll(async () => {
    tracker = createTracker({ maxPeersPerIpPerSwarm: 10 });
    trackerUrl = (await tracker.start()).url;
  });

  afterEach(async () => {
    await Promise.all(engines.splice(0).map((engine) => engine.destroy()));
  });

  afterAll(async () => {
    await tracker?.close();
  });

  /** Waits until the tracker counts `count` swarm memberships (the test's timeout bounds it). */
  async function trackerMemberships(count: number): Promise<void> {
    while ((await tracker.stats()).peers !== count) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  function engine(deferConnections = false): P2PEngine {
    const created = new P2PEngine({
      streamId: 'prepare-test',
      trackerUrl,
      wrtc,
      iceServers: [],
      deferConnections,
    });
    engines.push(created);
    return created;
  }

  it('connects the peers of a rendition before its first segment is asked for', async () => {
    const [a, b] = [engine(), engine()];
    const connected = (which: P2PEngine) =>
      new Promise<string>((resolve) =>
        which.on('peer-connect', ({ swarm }) => {
          if (swarm.endsWith(':720p')) resolve(swarm);
        }),
      );
    const bothConnected = Promise.all([connected(a), connected(b)]);
    a.prepare(['180p', '720p']);
    b.prepare(['180p', '720p']);
    expect(await bothConnected).toEqual(['prepare-test:720p', 'prepare-test:720p']);
    expect(a.getStats().swarms).toEqual(['prepare-test:180p', 'prepare-test:720p']);
  }, 20_000);

  it('neither connects nor joins while connections are deferred, and joins them all when they open', async () => {
    const [a, b] = [engine(true), engine()];
    const aReady = new Promise<void>((resolve) => a.once('ready', () => resolve()));
    await new Promise<void>((resolve) => b.once('ready', () => resolve()));
    a.prepare(['180p', '720p']);
    b.prepare(['180p']);
    // b's join reached the tracker; a did not even connect.
    await trackerMemberships(1);
    expect(a.getStats()).toMatchObject({
      peerId: undefined,
      peers: 0,
      swarms: ['prepare-test:180p', 'prepare-test:720p'],
    });
    // connect() brings the tracker connection (a peer id) but still no swarm join.
    a.connect();
    await aReady;
    expect(a.peerId).toBeDefined();
    expect(a.getStats().peers).toBe(0);
    const connected = new Promise<string>((resolve) =>
      a.on('peer-connect', ({ swarm }) => resolve(swarm)),
    );
    a.openConnections();
    a.openConnections();
    expect(await connected).toBe('prepare-test:180p');
    await trackerMemberships(3);
  }, 20_000);

  it(`joins at most ${PREPARED_SWARMS_MAX} swarms, the first given, once each`, () => {
    const a = engine();
    const ladder = ['360p', '480p', '240p', '720p', '144p', '1080p'];
    a.prepare(ladder);
    a.prepare(ladder);
    expect(a.getStats().swarms).toEqual(
      ladder.slice(0, PREPARED_SWARMS_MAX).map((rendition) => `prepare-test:${rendition}`),
    );
  });
});
