import { describe, expect, it } from 'vitest';
import { candidatePoolSizeOf, rankCandidates, type PickOptions } from './peer-picker.js';
import { InMemorySwarmRegistry, type SwarmRegistry } from './swarm-registry.js';

/** What the join and `peers` handlers do: sample the pool, then rank it. */
async function pickPeers(
  registry: SwarmRegistry,
  swarm: string,
  peerId: string,
  options: PickOptions,
) {
  const candidates = await registry.sample(swarm, candidatePoolSizeOf(options), peerId);
  return rankCandidates(candidates, swarm, peerId, options);
}

async function registryWith(n: number) {
  const registry = new InMemorySwarmRegistry();
  const limits = { maxPeersPerIpPerSwarm: 10_000, maxSwarmsPerSocket: 1 };
  for (let i = 0; i < n; i++)
    await registry.add('s:r', { peerId: `p${i}`, socketId: `k${i}`, ip: 'x' }, limits);
  return registry;
}

const base = { maxPeersPerJoin: 20, candidatePoolSize: 100 };

describe('pickPeers', () => {
  it('returns at most maxPeersPerJoin other peers by default', async () => {
    const registry = await registryWith(3000);
    const peers = await pickPeers(registry, 's:r', 'p5', { ...base, rankPeers: undefined });
    expect(peers).toHaveLength(20);
    expect(new Set(peers.map((p) => p.peerId)).size).toBe(20);
    expect(peers.map((p) => p.peerId)).not.toContain('p5');
  });

  it('hands the hook a bounded candidate pool and keeps its order', async () => {
    const registry = await registryWith(3000);
    let seen = 0;
    const peers = await pickPeers(registry, 's:r', 'p5', {
      ...base,
      rankPeers: (candidates, ctx) => {
        seen = candidates.length;
        expect(ctx).toEqual({ swarm: 's:r', peerId: 'p5' });
        return [...candidates].sort(
          (a, b) => Number(a.peerId.slice(1)) - Number(b.peerId.slice(1)),
        );
      },
    });
    expect(seen).toBe(100);
    const numbers = peers.map((p) => Number(p.peerId.slice(1)));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(peers).toHaveLength(20);
  });

  it('drops self, duplicates, junk and invented peers from a hook', async () => {
    const registry = await registryWith(4);
    const peers = await pickPeers(registry, 's:r', 'p0', {
      ...base,
      rankPeers: () => [
        { peerId: 'p0' },
        { peerId: 'ghost' },
        { peerId: 'p2' },
        { peerId: 'p2' },
        null as never,
        { peerId: 'p1' },
      ],
    });
    expect(peers).toEqual([{ peerId: 'p2' }, { peerId: 'p1' }]);
  });

  it('falls back to the candidates when the hook throws or returns garbage', async () => {
    const registry = await registryWith(4);
    const thrown = await pickPeers(registry, 's:r', 'p0', {
      ...base,
      rankPeers: () => {
        throw new Error('boom');
      },
    });
    expect(thrown.map((p) => p.peerId).sort()).toEqual(['p1', 'p2', 'p3']);
    const garbage = await pickPeers(registry, 's:r', 'p0', {
      ...base,
      rankPeers: async () => 'nope' as never,
    });
    expect(garbage.map((p) => p.peerId).sort()).toEqual(['p1', 'p2', 'p3']);
  });

  it('returns nothing for an empty or lonely swarm without calling the hook', async () => {
    const registry = await registryWith(1);
    let called = false;
    const rankPeers = () => {
      called = true;
      return [];
    };
    expect(await pickPeers(registry, 's:r', 'p0', { ...base, rankPeers })).toEqual([]);
    expect(await pickPeers(registry, 'none:r', 'p0', { ...base, rankPeers })).toEqual([]);
    expect(called).toBe(false);
  });
});
