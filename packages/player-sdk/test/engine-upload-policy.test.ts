/**
 * Uploading switched on while the engine runs (`setUploadPolicy`), over real WebRTC (wrtc), a
 * real tracker and a local HTTP server: a consume-only engine on a metered connection stays
 * consume-only under `'auto'`, uploads once the viewer insists, and at the cap set at runtime.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import wrtc from '@roamhq/wrtc';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTracker, type Tracker } from '@streamrp2p/tracker';
import { P2PEngine, type EngineOptions } from '../src/index.js';
import { nextEvent, untilPeerSays } from './engine-events.js';

/** A window in which something must NOT happen (no event to wait for): not synchronisation. */
const quietWindow = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('runtime upload policy', () => {
  let tracker: Tracker;
  let trackerUrl: string;
  let server: Server;
  let baseUrl: string;
  const BIG = randomBytes(600_000);
  let engines: P2PEngine[] = [];

  beforeAll(async () => {
    tracker = createTracker({ maxPeersPerIpPerSwarm: 10 });
    trackerUrl = (await tracker.start()).url;
    server = createServer((req, res) => {
      const body = req.url === '/small.ts' ? BIG.subarray(0, 20_000) : BIG;
      res.writeHead(200, { 'Content-Length': body.length });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    await Promise.all(engines.map((engine) => engine.destroy()));
    engines = [];
    vi.unstubAllGlobals();
  });

  afterAll(async () => {
    await tracker?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function engine(options: Omit<EngineOptions, 'trackerUrl'>): Promise<P2PEngine> {
    const created = new P2PEngine({ trackerUrl, wrtc, iceServers: [], ...options });
    engines.push(created);
    await nextEvent(created, 'ready');
    return created;
  }

  const load = (e: P2PEngine, sequence: number, file = 'big.ts') =>
    e.loadSegment({
      rendition: 'r',
      sequence,
      url: `${baseUrl}/${file}?${sequence}`,
      deadlineMs: 60_000,
      live: false,
    });

  it('metered: consume-only under "auto", uploads at the new cap once the viewer insists', async () => {
    vi.stubGlobal('navigator', { connection: { type: 'cellular' } });
    const a = await engine({ streamId: 'policy', consumeOnly: 'auto' });
    const b = await engine({ streamId: 'policy', consumeOnly: false });
    expect(a.getStats().consumeOnly).toBe(true);

    const connected = Promise.all([nextEvent(a, 'peer-connect'), nextEvent(b, 'peer-connect')]);
    for (const sequence of [0, 2, 4]) expect((await load(a, sequence)).source).toBe('http');
    await load(b, 1, 'small.ts');
    await connected;
    // Consume-only, `a` told `b` it holds nothing: `b` goes to HTTP.
    expect((await load(b, 0)).source).toBe('http');

    // Becoming a supporter without insisting: the metered connection stays consume-only.
    const auto = a.setUploadPolicy({ consumeOnly: 'auto', maxUploadKbps: 1200 });
    expect(auto).toEqual({ consumeOnly: true, maxUploadKbps: 1200, metered: true });
    // Nothing must be announced: give a wrong `have` the time to arrive, then check.
    await quietWindow(500);
    expect((await load(b, 2)).source).toBe('http');
    expect(a.getStats().uploadedBytes).toBe(0);

    // "Upload anyway on this connection": `a` announces what it holds and serves it, capped.
    const announced = nextEvent(a, 'upload-policy');
    a.setUploadPolicy({ consumeOnly: false });
    expect(await announced).toEqual({ consumeOnly: false, maxUploadKbps: 1200, metered: true });
    expect(a.getStats()).toMatchObject({ consumeOnly: false, maxUploadKbps: 1200 });
    // The `have` goes out at once.
    await untilPeerSays(b, 'r', 4, 'held');
    const startedAt = performance.now();
    const result = await load(b, 4);
    const elapsed = performance.now() - startedAt;
    expect(result.source).toBe('p2p');
    expect(Buffer.compare(Buffer.from(result.bytes), BIG)).toBe(0);
    expect(a.getStats().uploadedBytes).toBe(BIG.length);
    // 600 KB at 1200 kbit/s is 4 s (3.5 s after the bucket's burst); uncapped, well under 1 s.
    expect(elapsed).toBeGreaterThan(0.7 * ((BIG.length * 8) / 1200));

    // And back off: `b` no longer sees anything to fetch from `a`.
    a.setUploadPolicy({ consumeOnly: true });
    await untilPeerSays(b, 'r', 4, 'none');
    expect((await load(b, 0 + 6)).source).toBe('http');
    expect(a.getStats().uploadedBytes).toBe(BIG.length);
  }, 40_000);

  it('rejects a bad policy with INVALID_CONFIG and keeps the old one', async () => {
    const a = await engine({ streamId: 'policy-bad', consumeOnly: true });
    expect(() => a.setUploadPolicy({ maxUploadKbps: 0 })).toThrow(/maxUploadKbps/);
    expect(() => a.setUploadPolicy({ consumeOnly: 'yes' as never })).toThrow(/consumeOnly/);
    expect(a.getStats()).toMatchObject({ consumeOnly: true, maxUploadKbps: Infinity });
  });
});
