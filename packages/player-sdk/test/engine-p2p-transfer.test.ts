/**
 * Two engines in Node over real WebRTC (wrtc), a real tracker and the live origin: a segment one
 * engine fetched over HTTP reaches the other over P2P, a P2P download that falls behind its
 * deadline resumes over HTTP with a Range request, and the upload cap holds.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import wrtc from '@roamhq/wrtc';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLiveOrigin, type LiveOrigin } from '@streamrp2p/live-origin';
import { createTracker, type Tracker } from '@streamrp2p/tracker';
import { P2PEngine, type EngineEvents, type EngineOptions } from '../src/index.js';
import { nextEvent, untilPeerSays } from './engine-events.js';

function sameBytes(actual: Uint8Array, expected: Uint8Array): boolean {
  return Buffer.compare(Buffer.from(actual), Buffer.from(expected)) === 0;
}

async function download(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  expect(response.ok).toBe(true);
  return new Uint8Array(await response.arrayBuffer());
}

describe('two engines over WebRTC', () => {
  let origin: LiveOrigin;
  let tracker: Tracker;
  let trackerUrl: string;
  /** Serves one large random body (with Range support), for the upload cap test. */
  let bigServer: Server;
  let bigUrl: string;
  const BIG = randomBytes(1_000_000);
  let engines: P2PEngine[] = [];

  beforeAll(async () => {
    origin = await startLiveOrigin();
    tracker = createTracker({ maxPeersPerIpPerSwarm: 10 });
    trackerUrl = (await tracker.start()).url;
    bigServer = createServer((req, res) => {
      const body = req.url === '/small.ts' ? BIG.subarray(0, 20_000) : BIG;
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      if (range) {
        const start = Number(range[1]);
        res.writeHead(206, {
          'Content-Length': body.length - start,
          'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}`,
        });
        res.end(body.subarray(start));
        return;
      }
      res.writeHead(200, { 'Content-Length': body.length });
      res.end(body);
    });
    await new Promise<void>((resolve) => bigServer.listen(0, '127.0.0.1', resolve));
    bigUrl = `http://127.0.0.1:${(bigServer.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    await Promise.all(engines.map((engine) => engine.destroy()));
    engines = [];
  });

  afterAll(async () => {
    await tracker?.close();
    await origin?.close();
    bigServer?.closeAllConnections();
    await new Promise((resolve) => bigServer?.close(resolve));
  });

  async function engine(options: Omit<EngineOptions, 'trackerUrl'>): Promise<P2PEngine> {
    const created = new P2PEngine({
      trackerUrl,
      wrtc,
      iceServers: [],
      consumeOnly: false,
      ...options,
    });
    engines.push(created);
    await nextEvent(created, 'ready');
    return created;
  }

  /**
   * `first` fetches `held` over HTTP (so it holds it), `second` fetches `warmUp` (which makes it
   * join the swarm); both wait until they are connected to each other.
   */
  async function pair(
    first: P2PEngine,
    second: P2PEngine,
    rendition: string,
    held: { sequence: number; url: string },
    warmUp: { sequence: number; url: string },
  ): Promise<Uint8Array> {
    const connected = Promise.all([
      nextEvent(first, 'peer-connect'),
      nextEvent(second, 'peer-connect'),
    ]);
    const heldResult = await first.loadSegment({
      rendition,
      ...held,
      deadlineMs: 30_000,
      live: false,
    });
    expect(heldResult.source).toBe('http');
    await second.loadSegment({ rendition, ...warmUp, deadlineMs: 30_000, live: false });
    await connected;
    // The holder sends its `have` as soon as the channel opens.
    await untilPeerSays(second, rendition, held.sequence, 'held');
    return heldResult.bytes;
  }

  it('a segment fetched over HTTP by one engine reaches the other over P2P, byte for byte', async () => {
    const a = await engine({ streamId: 'p2p-share' });
    const b = await engine({ streamId: 'p2p-share' });
    const url = `${origin.url}/vod/240p/seg0.ts`;
    const fromOrigin = await download(url);
    const heldByA = await pair(
      a,
      b,
      '240p',
      { sequence: 0, url },
      {
        sequence: 1,
        url: `${origin.url}/vod/240p/seg1.ts`,
      },
    );
    expect(sameBytes(heldByA, fromOrigin)).toBe(true);

    const uploads: EngineEvents['uploaded'][] = [];
    a.on('uploaded', (event) => uploads.push(event));
    const loaded: EngineEvents['segment-loaded'][] = [];
    b.on('segment-loaded', (event) => loaded.push(event));
    origin.resetStats();

    const result = await b.loadSegment({
      rendition: '240p',
      sequence: 0,
      url,
      deadlineMs: 30_000,
      live: false,
    });

    expect(result.source).toBe('p2p');
    expect(sameBytes(result.bytes, fromOrigin)).toBe(true);
    expect(result.p2pBytes).toBe(fromOrigin.length);
    expect(result.httpBytes).toBe(0);
    expect(result.peerId).toBe(a.peerId);
    // Not a single segment byte came from the origin.
    expect(origin.stats().segmentBytes).toBe(0);

    expect(loaded).toEqual([
      {
        rendition: '240p',
        sequence: 0,
        source: 'p2p',
        bytes: fromOrigin.length,
        httpBytes: 0,
        p2pBytes: fromOrigin.length,
        peerId: a.peerId,
        // No coordinator, no roots: nothing to verify against (open mode).
        verified: false,
        httpReason: undefined,
      },
    ]);
    expect(uploads.length).toBeGreaterThan(0);
    expect(uploads.every((u) => u.peerId === b.peerId && u.sequence === 0)).toBe(true);
    expect(uploads.every((u) => u.swarm === 'p2p-share:240p')).toBe(true);
    expect(uploads.reduce((sum, u) => sum + u.bytes, 0)).toBe(fromOrigin.length);

    const statsA = a.getStats();
    const statsB = b.getStats();
    expect(statsA.uploadedBytes).toBe(fromOrigin.length);
    expect(statsA.peers).toBe(1);
    expect(statsB.peers).toBe(1);
    expect(statsB.p2pBytes).toBe(fromOrigin.length);
    expect(statsB.p2pSegments).toBe(1);
    expect(statsB.httpSegments).toBe(1); // the warm-up segment
    expect(statsB.p2pShare).toBeCloseTo(
      fromOrigin.length / (fromOrigin.length + statsB.httpBytes),
      9,
    );

    // Held now: served from the store, not downloaded again.
    const again = await b.loadSegment({
      rendition: '240p',
      sequence: 0,
      url,
      deadlineMs: 30_000,
      live: false,
    });
    expect(again.source).toBe('cache');
    expect(sameBytes(again.bytes, fromOrigin)).toBe(true);
    expect(b.getStats().p2pBytes).toBe(fromOrigin.length);
  }, 40_000);

  it('a P2P download that falls behind resumes over HTTP from where it stopped', async () => {
    // 400 kbit/s = 50 kB/s after a 64 KiB burst: the first chunk comes at once, the rest of the
    // 180 kB segment would take seconds, but the downloader has about one second.
    const a = await engine({ streamId: 'p2p-resume', maxUploadKbps: 400 });
    const b = await engine({ streamId: 'p2p-resume' });
    const url = `${origin.url}/vod/360p/seg0.ts`;
    const fromOrigin = await download(url);
    await pair(
      a,
      b,
      '360p',
      { sequence: 0, url },
      {
        sequence: 1,
        url: `${origin.url}/vod/360p/seg1.ts`,
      },
    );
    const errors: EngineEvents['error'][] = [];
    b.on('error', (error) => errors.push(error));
    origin.resetStats();

    // Deadline 2.5 s with the default 1.5 s margin: P2P must be done within ~1 s.
    const result = await b.loadSegment({
      rendition: '360p',
      sequence: 0,
      url,
      deadlineMs: 2500,
      live: false,
    });

    expect(sameBytes(result.bytes, fromOrigin)).toBe(true);
    expect(result.p2pBytes).toBeGreaterThan(0);
    expect(result.httpBytes).toBeGreaterThan(0);
    expect(result.httpBytes).toBeLessThan(fromOrigin.length);
    expect(result.p2pBytes + result.httpBytes).toBe(fromOrigin.length);
    // The origin sent exactly the missing tail, in one (Range) request.
    const served = origin.stats();
    expect(served.segmentRequests).toBe(1);
    expect(served.segmentBytes).toBe(result.httpBytes);
    // Falling behind is reported, not thrown.
    expect(errors.map((e) => e.code)).toContain('P2P_TOO_SLOW');
    expect(errors.every((e) => e.fatal === false)).toBe(true);
    const stats = b.getStats();
    expect(stats.p2pBytes).toBe(result.p2pBytes);
  }, 40_000);

  it('an uploader capped at X kbit/s takes about bytes*8/X ms to serve a 1 MB segment', async () => {
    const maxUploadKbps = 1200;
    const a = await engine({ streamId: 'p2p-cap', maxUploadKbps });
    const b = await engine({ streamId: 'p2p-cap' });
    await pair(
      a,
      b,
      'big',
      { sequence: 0, url: `${bigUrl}/big.ts` },
      {
        sequence: 1,
        url: `${bigUrl}/small.ts`,
      },
    );

    const startedAt = performance.now();
    const result = await b.loadSegment({
      rendition: 'big',
      sequence: 0,
      url: `${bigUrl}/big.ts`,
      deadlineMs: 120_000,
      live: false,
    });
    const elapsed = performance.now() - startedAt;

    expect(result.source).toBe('p2p');
    expect(result.p2pBytes).toBe(BIG.length);
    expect(sameBytes(result.bytes, BIG)).toBe(true);
    expect(a.getStats().uploadedBytes).toBe(BIG.length);
    // 1 MB at 1200 kbit/s is 6.7 s (5.7 s after the one-second burst the bucket starts with);
    // uncapped it takes well under a second. A generous floor, not a timing benchmark.
    const nominalMs = (BIG.length * 8) / maxUploadKbps;
    expect(elapsed).toBeGreaterThan(0.7 * nominalMs);
  }, 40_000);
});
