import { describe, expect, it } from 'vitest';
import { defaultRankPeers, sampleExcluding } from './ranking.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `p${i}`);

describe('sampleExcluding', () => {
  it('returns distinct items, bounded by count, never the excluded one', () => {
    const items = ids(50);
    for (let round = 0; round < 200; round++) {
      const out = sampleExcluding(items, 20, 7);
      expect(out).toHaveLength(20);
      expect(new Set(out).size).toBe(20);
      expect(out).not.toContain('p7');
      for (const item of out) expect(items).toContain(item);
    }
  });

  it('returns everyone else when the list is small', () => {
    expect(sampleExcluding(ids(5), 20, 2).sort()).toEqual(['p0', 'p1', 'p3', 'p4']);
    expect(sampleExcluding(ids(5), 20).sort()).toEqual(ids(5));
    expect(sampleExcluding(['only'], 20, 0)).toEqual([]);
    expect(sampleExcluding([], 20)).toEqual([]);
    expect(sampleExcluding(ids(5), 0)).toEqual([]);
  });

  it('picks every member with about equal probability', () => {
    const items = ids(100);
    const hits = new Map<string, number>();
    for (let round = 0; round < 5000; round++) {
      for (const item of sampleExcluding(items, 10, 0)) hits.set(item, (hits.get(item) ?? 0) + 1);
    }
    expect(hits.has('p0')).toBe(false);
    // Expected 5000 x 10 / 99 = 505 each; allow a wide margin against flakiness.
    for (const item of items.slice(1)) {
      expect(hits.get(item)).toBeGreaterThan(350);
      expect(hits.get(item)).toBeLessThan(680);
    }
  });

  it('reads only a few entries of a large swarm (samples, never shuffles it)', () => {
    const items = ids(10_000);
    let reads = 0;
    const counted = new Proxy(items, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    const out = sampleExcluding(counted, 20, 123);
    expect(out).toHaveLength(20);
    expect(reads).toBeLessThan(100);
  });
});

describe('defaultRankPeers', () => {
  it('returns a permutation of the candidates without changing the input', () => {
    const candidates = ids(30).map((peerId) => ({ peerId }));
    const copy = candidates.slice();
    const ranked = defaultRankPeers(candidates, { swarm: 's:r', peerId: 'me' }) as {
      peerId: string;
    }[];
    expect(candidates).toEqual(copy);
    expect(ranked.map((p) => p.peerId).sort()).toEqual(copy.map((p) => p.peerId).sort());
  });

  it('puts each candidate first about equally often', () => {
    const candidates = ids(4).map((peerId) => ({ peerId }));
    const firsts = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const first = (
        defaultRankPeers(candidates, { swarm: 's:r', peerId: 'me' }) as { peerId: string }[]
      )[0]!;
      firsts.set(first.peerId, (firsts.get(first.peerId) ?? 0) + 1);
    }
    for (const c of candidates) expect(firsts.get(c.peerId)).toBeGreaterThan(800);
  });
});
