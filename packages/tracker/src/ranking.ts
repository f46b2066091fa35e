import type { PeerDescriptor } from '@streamrp2p/protocol';

/** What a ranking hook knows about the request it ranks for. */
export interface RankContext {
  /** The swarm key (`streamId:rendition`). */
  swarm: string;
  /** The peer asking for peers; never part of the candidates. */
  peerId: string;
}

/**
 * Orders candidate peers, best first. The tracker keeps the first
 * `maxPeersPerJoin` of the result, drops self, duplicates and peers that were
 * not candidates, and falls back to the candidates' order if the hook throws.
 *
 * @example
 * // Prefer peers whose id says they are supporters.
 * const rankPeers: RankPeers = (peers) =>
 *   [...peers].sort((a, b) => Number(b.peerId.startsWith('s-')) - Number(a.peerId.startsWith('s-')));
 */
export type RankPeers = (
  candidates: PeerDescriptor[],
  ctx: RankContext,
) => PeerDescriptor[] | Promise<PeerDescriptor[]>;

/** A random integer in `[0, max)`. Math.random is enough: peer choice is not a secret. */
function randomIndex(max: number): number {
  return Math.floor(Math.random() * max);
}

/** The default {@link RankPeers}: all candidates are equal, so a uniform shuffle. */
export const defaultRankPeers: RankPeers = (candidates) => {
  const out = candidates.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomIndex(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

/**
 * Draws up to `count` distinct items of `items` uniformly at random, in random
 * order, leaving out the item at `excludeIndex` (the asking peer). Costs
 * O(count), not O(items.length), when the sample is small next to the list: a
 * swarm of thousands is never shuffled on a join.
 */
export function sampleExcluding<T>(items: readonly T[], count: number, excludeIndex = -1): T[] {
  const excluded = excludeIndex >= 0 && excludeIndex < items.length ? 1 : 0;
  const want = Math.min(count, items.length - excluded);
  if (want <= 0) return [];
  if (want * 2 >= items.length) {
    // A large share of the list: a partial Fisher-Yates over a copy is cheapest.
    const pool = excluded ? items.filter((_, i) => i !== excludeIndex) : items.slice();
    for (let i = 0; i < want; i++) {
      const j = i + randomIndex(pool.length - i);
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    return pool.slice(0, want);
  }
  // A small share: draw indices and reject repeats; fewer than 2 * want draws on average.
  const picked = new Set<number>();
  const out: T[] = [];
  if (excluded) picked.add(excludeIndex);
  while (out.length < want) {
    const index = randomIndex(items.length);
    if (picked.has(index)) continue;
    picked.add(index);
    out.push(items[index]!);
  }
  return out;
}
