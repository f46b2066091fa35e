import createDebug from 'debug';
import type { PeerDescriptor } from '@streamrp2p/protocol';
import { defaultRankPeers, type RankPeers } from './ranking.js';

const log = createDebug('streamrp2p:tracker:rank');

/** Settings that shape a peer list. */
export interface PickOptions {
  rankPeers: RankPeers | undefined;
  maxPeersPerJoin: number;
  candidatePoolSize: number;
}

/** How many random candidates a peer list is drawn from. */
export function candidatePoolSizeOf(options: PickOptions): number {
  // The default ranking is uniform, so a sample of exactly the list size is enough.
  return options.rankPeers === undefined ? options.maxPeersPerJoin : options.candidatePoolSize;
}

/**
 * A ranked, bounded peer list from a random sample of other members of `swarm` (drawn by the
 * caller with {@link candidatePoolSizeOf} candidates, in the same Redis round trip as its other
 * checks; never the whole swarm). The sample is ranked by the hook, then cleaned: self,
 * duplicates and anything that was not a candidate are dropped. A hook that throws is logged
 * and its candidates are used in their random order.
 */
export async function rankCandidates(
  candidates: PeerDescriptor[],
  swarm: string,
  peerId: string,
  options: PickOptions,
): Promise<PeerDescriptor[]> {
  if (candidates.length === 0) return [];
  let ranked: unknown = candidates;
  try {
    ranked = await (options.rankPeers ?? defaultRankPeers)(candidates.slice(), { swarm, peerId });
  } catch (err) {
    log('rankPeers threw for %s in %s: %O', peerId, swarm, err);
  }
  if (!Array.isArray(ranked)) ranked = candidates;
  const allowed = new Set(candidates.map((c) => c.peerId));
  const out: PeerDescriptor[] = [];
  for (const entry of ranked as unknown[]) {
    if (out.length >= options.maxPeersPerJoin) break;
    const id = (entry as Partial<PeerDescriptor> | null)?.peerId;
    // Only candidates pass (the sample never holds the asker), each once.
    if (typeof id !== 'string' || !allowed.delete(id)) continue;
    out.push({ peerId: id });
  }
  return out;
}
