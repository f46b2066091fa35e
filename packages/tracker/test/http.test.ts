import { describe, expect, it } from 'vitest';
import { createTracker, InMemorySwarmRegistry, type SwarmRegistry } from '../src/index.js';
import {
  connect,
  disconnection,
  ref,
  refusedConnection,
  request,
  startTracker,
} from './helpers.js';

describe('HTTP endpoints', () => {
  it('GET /healthz answers ok with CORS, and preflight works', async () => {
    const { url } = await startTracker();
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.json()).toEqual({ status: 'ok' });
    const preflight = await fetch(`${url}/stats`, { method: 'OPTIONS' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toMatch(/GET/);
  });

  it('GET /stats reports sockets, swarms, peers, totals, rejections and the largest swarms', async () => {
    const { url } = await startTracker({ statsTopSwarms: 2, maxPeersPerIpPerSwarm: 10 });
    const a = await connect(url, { auth: { v: 1, peerId: 'a' } });
    const b = await connect(url, { auth: { v: 1, peerId: 'b' } });
    const c = await connect(url, { auth: { v: 1, peerId: 'c' } });
    for (const { client } of [a, b, c]) await request(client, 'join', ref('big'));
    await request(a.client, 'join', ref('mid'));
    await request(b.client, 'join', ref('mid'));
    await request(c.client, 'join', ref('small'));
    await request(a.client, 'signal', {
      swarm: 'big:hd',
      to: 'b',
      data: { type: 'offer', sdp: 'x' },
    });
    await request(a.client, 'join', 'garbage');
    await refusedConnection(url, { auth: { v: 99 } });

    const res = await fetch(`${url}/stats`);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const stats = await res.json();
    expect(stats).toMatchObject({
      status: 'ok',
      sockets: 3,
      swarms: 3,
      peers: 6,
      joinsTotal: 6,
      signalsRelayedTotal: 1,
      rejectedTotal: { BAD_REQUEST: 1, VERSION_MISMATCH: 1 },
      topSwarms: [
        { swarm: 'big:hd', peers: 3 },
        { swarm: 'mid:hd', peers: 2 },
      ],
    });
    expect(stats.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  it('GET /metrics serves Prometheus text from a registry of its own', async () => {
    const first = await startTracker({ maxPeersPerIpPerSwarm: 10 });
    // A second tracker in the same process must not collide with the first's metrics.
    const second = await startTracker();
    const a = await connect(first.url, { auth: { v: 1, peerId: 'a' } });
    const b = await connect(first.url, { auth: { v: 1, peerId: 'b' } });
    await request(a.client, 'join', ref('s'));
    await request(b.client, 'join', ref('s'));
    await request(a.client, 'signal', { swarm: 's:hd', to: 'b', data: { type: 'offer' } });
    await request(a.client, 'leave', { swarm: 'nope:hd' });

    const res = await fetch(`${first.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^streamrp2p_tracker_sockets 2$/m);
    expect(text).toMatch(/^streamrp2p_tracker_swarms 1$/m);
    expect(text).toMatch(/^streamrp2p_tracker_peers 2$/m);
    expect(text).toMatch(/^streamrp2p_tracker_joins_total 2$/m);
    expect(text).toMatch(/^streamrp2p_tracker_signals_relayed_total 1$/m);
    expect(text).toMatch(/^streamrp2p_tracker_errors_total\{code="NOT_IN_SWARM"\} 1$/m);
    expect(text).toMatch(/# TYPE streamrp2p_tracker_joins_total counter/);
    expect(text).not.toMatch(/process_cpu/);

    const other = await (await fetch(`${second.url}/metrics`)).text();
    expect(other).toMatch(/^streamrp2p_tracker_sockets 0$/m);
    expect(other).toMatch(/^streamrp2p_tracker_joins_total 0$/m);
  });

  it('adds process metrics when asked', async () => {
    const { url } = await startTracker({ collectDefaultMetrics: true });
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(
      /^process_cpu_user_seconds_total /m,
    );
  });

  it('answers 404 and 405', async () => {
    const { url } = await startTracker();
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    const post = await fetch(`${url}/stats`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toMatch(/GET/);
  });
});

/** A registry whose socket cleanup waits until released, to look inside a shutdown. */
class HeldRegistry extends InMemorySwarmRegistry implements SwarmRegistry {
  release: () => void = () => {};
  readonly #held = new Promise<void>((resolve) => (this.release = resolve));
  override async removeSocket(socketId: string): Promise<string[]> {
    await this.#held;
    return super.removeSocket(socketId);
  }
}

describe('close()', () => {
  it('shuts down gracefully: 503 and refusals while draining, clients told, nothing left open', async () => {
    const tcpServers = () =>
      process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
    const registry = new HeldRegistry();
    const tracker = createTracker({ registry });
    const { url } = await tracker.start();
    // Node frees a closed server's handle a moment after the close callback.
    await expect.poll(tcpServers).toBe(1);
    expect(tracker.address?.url).toBe(url);
    const { client } = await connect(url);
    await request(client, 'join', ref('s'));
    const gone = disconnection(client);

    const closing = tracker.close();
    expect(tracker.close()).toBe(closing);
    expect(await gone).toBe('io server disconnect');
    // Cleanup is held: the tracker is draining.
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'shutting-down' });
    expect((await refusedConnection(url)).data?.code).toBe('SHUTTING_DOWN');

    registry.release();
    await closing;
    expect(await tracker.stats()).toMatchObject({ status: 'shutting-down', sockets: 0, peers: 0 });
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    await expect.poll(tcpServers).toBe(0);
    await expect(tracker.start()).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
  });

  it('can be closed without being started, and reports a port in use', async () => {
    await createTracker().close();
    const { tracker } = await startTracker();
    const clash = createTracker({ port: tracker.address!.port });
    await expect(clash.start()).rejects.toThrow(/EADDRINUSE/);
    await clash.close();
  });
});
