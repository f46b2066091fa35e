import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { JoinResult } from '@streamrp2p/protocol';
import { connect, ref, request, startTracker } from './helpers.js';
import { REDIS_URL, redisAvailable } from './redis.js';

const redisUp = await redisAvailable();

/** Two trackers in this process sharing one Redis under a fresh prefix. */
async function pair(options: { maxPeersPerIpPerSwarm?: number; maxSwarmsPerSocket?: number }) {
  const keyPrefix = `test-${randomBytes(6).toString('hex')}:`;
  const shared = { redisUrl: REDIS_URL, keyPrefix, trustProxy: true, ...options };
  const [a, b] = await Promise.all([startTracker(shared), startTracker(shared)]);
  return { a: a!, b: b! };
}

describe.skipIf(!redisUp)('cluster mode limits and stats', () => {
  it('holds the per-IP limit across processes', async () => {
    const { a, b } = await pair({ maxPeersPerIpPerSwarm: 2 });
    const ip = '203.0.113.7';
    const first = await connect(a.url, { ip });
    const second = await connect(b.url, { ip });
    const third = await connect(a.url, { ip });
    expect(await request(first.client, 'join', ref('s1'))).toMatchObject({ ok: true });
    expect(await request(second.client, 'join', ref('s1'))).toMatchObject({ ok: true });
    expect(await request(third.client, 'join', ref('s1'))).toMatchObject({
      ok: false,
      error: { code: 'TOO_MANY_PEERS_FROM_IP' },
    });
    // Another swarm, or another IP, is fine; a leave frees the place.
    expect(await request(third.client, 'join', ref('s2'))).toMatchObject({ ok: true });
    expect(await request(second.client, 'leave', { swarm: 's1:hd' })).toEqual({ ok: true });
    expect(await request(third.client, 'join', ref('s1'))).toMatchObject({ ok: true });
  });

  it('limits swarms per socket, joins idempotently and counts cluster-wide', async () => {
    const { a, b } = await pair({ maxSwarmsPerSocket: 2 });
    const alice = await connect(a.url);
    const bob = await connect(b.url);
    expect(await request(alice.client, 'join', ref('s1'))).toMatchObject({ ok: true });
    const again = await request<JoinResult>(alice.client, 'join', ref('s1'));
    expect(again).toMatchObject({ ok: true, peers: [] });
    expect(await request(alice.client, 'join', ref('s2'))).toMatchObject({ ok: true });
    expect(await request(alice.client, 'join', ref('s3'))).toMatchObject({
      ok: false,
      error: { code: 'TOO_MANY_SWARMS' },
    });
    expect(await request(bob.client, 'join', ref('s1'))).toMatchObject({
      ok: true,
      peers: [{ peerId: alice.welcome.peerId }],
    });
    const stats = await b.tracker.stats();
    expect(stats).toMatchObject({ sockets: 1, swarms: 2, peers: 3 });
    expect(stats.topSwarms[0]).toEqual({ swarm: 's1:hd', peers: 2 });
    expect(await request(bob.client, 'peers', { swarm: 's2:hd' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_IN_SWARM' },
    });
  });
});
