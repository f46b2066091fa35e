import { describe, expect, it } from 'vitest';
import {
  connect,
  disconnection,
  openClient,
  ref,
  request,
  roundTrip,
  startTracker,
  type TestClient,
} from './helpers.js';

type Ack = { ok: boolean; error?: { code: string; message: string } };

/** Fires `count` requests at once and returns their acks. */
function burst(client: TestClient, count: number, event: string, payload: unknown): Promise<Ack[]> {
  return Promise.all(Array.from({ length: count }, () => request<Ack>(client, event, payload)));
}

describe('limits', () => {
  it('answers events over the rate with RATE_LIMITED and keeps the socket', async () => {
    const { url, tracker } = await startTracker({
      maxEventsPerSecond: 5,
      eventBurst: 5,
      floodDisconnectFactor: 100,
    });
    const { client } = await connect(url);
    await request(client, 'join', ref('s'));
    const acks = await burst(client, 20, 'peers', { swarm: 's:hd' });
    const limited = acks.filter((a) => a.error?.code === 'RATE_LIMITED');
    // The join took one token of 5; a token or two may refill during the burst.
    expect(acks.filter((a) => a.ok).length).toBeGreaterThanOrEqual(4);
    expect(acks.filter((a) => a.ok).length).toBeLessThanOrEqual(7);
    expect(limited.length).toBe(20 - acks.filter((a) => a.ok).length);
    expect(limited[0]!.error!.message).toMatch(/more than 5 events per second/);
    expect(client.connected).toBe(true);
    expect((await tracker.stats()).rejectedTotal.RATE_LIMITED).toBe(limited.length);
  });

  it('disconnects a socket that floods, and serves the others', async () => {
    const { url, tracker } = await startTracker({
      maxEventsPerSecond: 5,
      eventBurst: 5,
      floodDisconnectFactor: 4,
    });
    const flooder = await connect(url);
    const bystander = await connect(url);
    const gone = disconnection(flooder.client);
    for (let i = 0; i < 60; i++) flooder.client.emit('peers', { swarm: 's:hd' }, () => {});
    expect(await gone).toBe('io server disconnect');
    expect(await request(bystander.client, 'join', ref('s'))).toMatchObject({ ok: true });
    expect((await tracker.stats()).sockets).toBe(1);
  });

  it('closes a connection that sends a message over maxHttpBufferSize, and serves the others', async () => {
    const { url, tracker } = await startTracker();
    const big = await connect(url, { auth: { v: 1, peerId: 'big' } });
    const other = await connect(url, { auth: { v: 1, peerId: 'other' } });
    await request(big.client, 'join', ref('s'));
    await request(other.client, 'join', ref('s'));
    const gone = disconnection(big.client);
    big.client.emit(
      'signal',
      { swarm: 's:hd', to: 'other', data: { sdp: 'x'.repeat(100 * 1024) } },
      () => {},
    );
    expect(await gone).toMatch(/transport (close|error)/);
    expect(await request(other.client, 'peers', { swarm: 's:hd' })).toEqual({
      ok: true,
      peers: [],
    });
    expect(await tracker.stats()).toMatchObject({ sockets: 1, peers: 1 });
  });

  it('allows 3 peers per IP per swarm by default', async () => {
    const { url } = await startTracker();
    const acks: Ack[] = [];
    for (let i = 0; i < 4; i++)
      acks.push(await request<Ack>((await connect(url)).client, 'join', ref('s')));
    expect(acks.slice(0, 3).every((a) => a.ok)).toBe(true);
    expect(acks[3]).toMatchObject({ ok: false, error: { code: 'TOO_MANY_PEERS_FROM_IP' } });
    expect(acks[3]!.error!.message).toMatch(/at most 3 peers from one IP/);
    // Another swarm counts apart.
    expect(await request((await connect(url)).client, 'join', ref('s', 'sd'))).toMatchObject({
      ok: true,
    });
  });

  it('counts IPs from X-Forwarded-For only with trustProxy', async () => {
    const trusting = await startTracker({ trustProxy: true, maxPeersPerIpPerSwarm: 1 });
    expect(
      await request((await connect(trusting.url, { ip: '203.0.113.1' })).client, 'join', ref('s')),
    ).toMatchObject({ ok: true });
    expect(
      await request((await connect(trusting.url, { ip: '203.0.113.2' })).client, 'join', ref('s')),
    ).toMatchObject({ ok: true });
    expect(
      await request((await connect(trusting.url, { ip: '203.0.113.2' })).client, 'join', ref('s')),
    ).toMatchObject({
      error: { code: 'TOO_MANY_PEERS_FROM_IP' },
    });
    const plain = await startTracker({ maxPeersPerIpPerSwarm: 1 });
    expect(
      await request((await connect(plain.url, { ip: '203.0.113.1' })).client, 'join', ref('s')),
    ).toMatchObject({ ok: true });
    expect(
      await request((await connect(plain.url, { ip: '203.0.113.2' })).client, 'join', ref('s')),
    ).toMatchObject({
      error: { code: 'TOO_MANY_PEERS_FROM_IP' },
    });
  });

  it('allows 4 swarms per socket by default', async () => {
    const { url } = await startTracker();
    const { client } = await connect(url);
    for (const r of ['a', 'b', 'c', 'd'])
      expect(await request(client, 'join', ref('s', r))).toMatchObject({ ok: true });
    expect(await request(client, 'join', ref('s', 'e'))).toMatchObject({
      ok: false,
      error: { code: 'TOO_MANY_SWARMS' },
    });
    await request(client, 'leave', { swarm: 's:a' });
    expect(await request(client, 'join', ref('s', 'e'))).toMatchObject({ ok: true });
  });
});

describe('malformed events', () => {
  const badJoins: [string, unknown][] = [
    ['a string', 'live:hd'],
    ['a number', 42],
    ['null', null],
    ['an array', ['live', 'hd']],
    ['a missing rendition', { streamId: 'live' }],
    ['a bad stream id', { streamId: 'live stream', rendition: 'hd' }],
    ['a colon in an id', { streamId: 'a:b', rendition: 'hd' }],
    ['a huge string', { streamId: 'x'.repeat(20_000), rendition: 'hd' }],
  ];

  it.each(badJoins)('answers a join with %s with BAD_REQUEST', async (_name, payload) => {
    const { url, tracker } = await startTracker();
    const { client } = await connect(url);
    expect(await request(client, 'join', payload)).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect((await tracker.stats()).peers).toBe(0);
  });

  it('answers leave and peers with bad swarm keys with BAD_REQUEST', async () => {
    const { url } = await startTracker();
    const { client } = await connect(url);
    for (const payload of [
      {},
      { swarm: 7 },
      { swarm: 'noColon' },
      { swarm: 'a:b:c' },
      { swarm: 'y'.repeat(5000) },
      'x',
    ]) {
      expect(await request(client, 'leave', payload)).toMatchObject({
        error: { code: 'BAD_REQUEST' },
      });
      expect(await request(client, 'peers', payload)).toMatchObject({
        error: { code: 'BAD_REQUEST' },
      });
    }
  });

  it('ignores events without an ack, answers an ack-only emit, and keeps serving', async () => {
    const { url, tracker } = await startTracker();
    const rude = openClient(url);
    const welcomed = new Promise<void>((resolve) => rude.once('welcome', () => resolve()));
    const polite = await connect(url);
    await welcomed;
    (rude as unknown as { emit(...args: unknown[]): void }).emit('join');
    rude.emit('join', ref('s'), 'not a function' as never);
    (rude as unknown as { emit(e: string): void }).emit('join');
    expect(await request(rude, 'join')).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    await roundTrip(rude);
    const stats = await tracker.stats();
    expect(stats.peers).toBe(0); // no join without an ack
    expect(stats.rejectedTotal.BAD_REQUEST).toBe(4);
    expect(await request(polite.client, 'join', ref('s'))).toMatchObject({ ok: true });
    expect(rude.connected).toBe(true);
  });

  it('keeps serving after garbage from many clients at once', async () => {
    const { url } = await startTracker();
    const clients = await Promise.all(Array.from({ length: 5 }, () => connect(url)));
    await Promise.all(
      clients.map(({ client }) =>
        Promise.all([
          request(client, 'join', { streamId: {}, rendition: [] }),
          request(client, 'signal', { swarm: 's:hd', to: 'x', data: { toJSON: 1 } }),
          request(client, 'peers', undefined),
          (client as unknown as { emit(e: string, p: unknown): void }).emit('unknown-event', {}),
        ]),
      ),
    );
    const fresh = await connect(url);
    expect(await request(fresh.client, 'join', ref('after'))).toMatchObject({ ok: true });
  });
});
