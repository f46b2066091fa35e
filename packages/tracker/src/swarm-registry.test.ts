import { describe, expect, it } from 'vitest';
import { InMemorySwarmRegistry } from './swarm-registry.js';

const limits = { maxPeersPerIpPerSwarm: 3, maxSwarmsPerSocket: 2 };
const member = (n: number, ip = `10.0.0.${n}`) => ({ peerId: `p${n}`, socketId: `s${n}`, ip });

describe('InMemorySwarmRegistry', () => {
  it('adds, finds, samples and removes members', async () => {
    const registry = new InMemorySwarmRegistry();
    for (let n = 1; n <= 5; n++)
      expect(await registry.add('a:hd', member(n), limits)).toEqual({ ok: true, added: true });
    expect(await registry.add('a:hd', member(1), limits)).toEqual({ ok: true, added: false });
    expect(await registry.counts()).toEqual({ swarms: 1, peers: 5 });
    expect(await registry.find('a:hd', 'p3')).toEqual(member(3));
    expect(await registry.isMember('a:hd', 's3')).toBe(true);
    expect(await registry.isMember('a:sd', 's3')).toBe(false);
    const sample = await registry.sample('a:hd', 10, 'p2');
    expect(sample.map((p) => p.peerId).sort()).toEqual(['p1', 'p3', 'p4', 'p5']);
    expect(await registry.remove('a:hd', 's3')).toBe(true);
    expect(await registry.remove('a:hd', 's3')).toBe(false);
    expect(await registry.find('a:hd', 'p3')).toBeUndefined();
    expect((await registry.sample('a:hd', 10, 'none')).map((p) => p.peerId).sort()).toEqual([
      'p1',
      'p2',
      'p4',
      'p5',
    ]);
  });

  it('limits sockets per IP per swarm, counting each swarm apart', async () => {
    const registry = new InMemorySwarmRegistry();
    for (let n = 1; n <= 3; n++)
      expect((await registry.add('a:hd', member(n, '1.1.1.1'), limits)).ok).toBe(true);
    expect(await registry.add('a:hd', member(4, '1.1.1.1'), limits)).toEqual({
      ok: false,
      reason: 'TOO_MANY_PEERS_FROM_IP',
    });
    expect((await registry.add('a:sd', member(4, '1.1.1.1'), limits)).ok).toBe(true);
    await registry.remove('a:hd', 's1');
    expect((await registry.add('a:hd', member(4, '1.1.1.1'), limits)).ok).toBe(true);
  });

  it('limits swarms per socket and does not leave an empty swarm behind', async () => {
    const registry = new InMemorySwarmRegistry();
    await registry.add('a:1', member(1), limits);
    await registry.add('a:2', member(1), limits);
    expect(await registry.add('a:3', member(1), limits)).toEqual({
      ok: false,
      reason: 'TOO_MANY_SWARMS',
    });
    expect(await registry.counts()).toEqual({ swarms: 2, peers: 2 });
    const strict = { ...limits, maxPeersPerIpPerSwarm: 0 };
    expect((await registry.add('b:1', member(2), strict)).ok).toBe(false);
    expect(await registry.counts()).toEqual({ swarms: 2, peers: 2 });
  });

  it('removes a socket from all its swarms at once', async () => {
    const registry = new InMemorySwarmRegistry();
    await registry.add('a:1', member(1), limits);
    await registry.add('a:2', member(1), limits);
    await registry.add('a:1', member(2), limits);
    expect((await registry.removeSocket('s1')).sort()).toEqual(['a:1', 'a:2']);
    expect(await registry.counts()).toEqual({ swarms: 1, peers: 1 });
    expect(await registry.removeSocket('s1')).toEqual([]);
  });

  it("lets a reconnected peer's new socket replace its stale one", async () => {
    const registry = new InMemorySwarmRegistry();
    await registry.add('a:1', { peerId: 'p', socketId: 'old', ip: 'x' }, limits);
    await registry.add('a:1', { peerId: 'p', socketId: 'new', ip: 'x' }, limits);
    expect((await registry.find('a:1', 'p'))?.socketId).toBe('new');
    expect(await registry.counts()).toEqual({ swarms: 1, peers: 1 });
    // The stale socket's cleanup must not remove the new membership.
    expect(await registry.removeSocket('old')).toEqual([]);
    expect((await registry.find('a:1', 'p'))?.socketId).toBe('new');
  });

  it('lists the largest swarms first', async () => {
    const registry = new InMemorySwarmRegistry();
    const sizes: Record<string, number> = { 'a:1': 2, 'b:1': 5, 'c:1': 1, 'd:1': 4 };
    let n = 0;
    for (const [swarm, size] of Object.entries(sizes)) {
      for (let i = 0; i < size; i++) await registry.add(swarm, member(++n), limits);
    }
    expect(await registry.largest(2)).toEqual([
      { swarm: 'b:1', peers: 5 },
      { swarm: 'd:1', peers: 4 },
    ]);
    expect((await registry.largest(10)).map((s) => s.swarm)).toEqual(['b:1', 'd:1', 'a:1', 'c:1']);
    expect(await registry.largest(0)).toEqual([]);
  });

  it('keeps sampling correct after many swap-removals', async () => {
    const registry = new InMemorySwarmRegistry();
    const wide = { maxPeersPerIpPerSwarm: 1000, maxSwarmsPerSocket: 1 };
    for (let n = 0; n < 200; n++) await registry.add('big:1', member(n), wide);
    for (let n = 0; n < 200; n += 2) await registry.remove('big:1', `s${n}`);
    const all = await registry.sample('big:1', 1000, 'p1');
    expect(all).toHaveLength(99);
    expect(all.every((p) => Number(p.peerId.slice(1)) % 2 === 1 && p.peerId !== 'p1')).toBe(true);
  });
});
