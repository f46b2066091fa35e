import { PeerScore } from './peer-score.js';

/** What the engine knows about one segment it must deliver. */
export interface SchedulerInput {
  /** Current time, ms. */
  now: number;
  /** When playback needs the segment, ms (same clock as `now`); Infinity when not urgent. */
  deadline: number;
  /** When this load started, ms. */
  startedAt: number;
  live: boolean;
  /** Connected peers that hold the whole segment and have not failed it yet. */
  holders: number;
  /** Connected peers that are downloading the segment now. */
  fetchers: number;
  /** Our position for this segment among ourselves and our neighbours: 0 goes first. */
  rank: number;
  /**
   * Until when (ms) neighbours may still turn up holding the segment: the swarm was just joined
   * and the tracker's answer, a connection or a peer's first `have` is on its way. At or before
   * `now` once they settled.
   */
  neighboursSettleBy: number;
  /** Expected time of an HTTP download of the segment, ms. */
  estimatedHttpMs: number;
  /** Expected time of the segment's transfer from the fastest fetching peer once it has it, ms. */
  estimatedPeerMs: number;
  httpStaggerMs: number;
  maxPeerWaitMs: number;
  deadlineMarginMs: number;
}

/** Download from the best holder, fetch over HTTP, or wait for peers until `until` (ms). */
export type SchedulerDecision =
  | { action: 'p2p' }
  | {
      action: 'http';
      reason: 'buffer-empty' | 'no-peers' | 'deadline' | 'stagger-over' | 'wait-over';
    }
  | { action: 'wait'; until: number; reason: 'peer-fetching' | 'peers-joining' | 'stagger' };

/**
 * Decides how to get one segment. Never lets waiting on peers eat into the time an HTTP
 * download needs before the playback deadline (minus a margin): P2P must not cause a stall.
 *
 * - Playback has nothing buffered (startup, a seek, a stall): HTTP at once. A peer transfer
 *   plus the check of its root could not reliably beat it, and startup must never wait on P2P.
 * - A peer holds it: take it from that peer.
 * - A peer is downloading it: wait for that peer, within the slack, for as long as its HTTP
 *   download and its transfer to us are expected to take (at least `maxPeerWaitMs`): a fixed
 *   cap gave up on a large segment that a paced origin delivers slowly, for a second HTTP copy.
 * - Nobody has it, but the swarm was just joined and neighbours are still connecting: wait for
 *   them (within the slack, until `neighboursSettleBy`). Without it a viewer that has just added
 *   P2P fetches the segments its neighbours hold over HTTP, for it knows none of them yet.
 * - Live and nobody has it: wait `rank x httpStaggerMs` (within the slack) so that one
 *   neighbour, the one ranked first, fetches it over HTTP and the others get it from it.
 * - Otherwise: HTTP.
 */
export function decide(input: SchedulerInput): SchedulerDecision {
  if (input.deadline <= input.startedAt) return { action: 'http', reason: 'buffer-empty' };
  if (input.holders > 0) return { action: 'p2p' };
  const latestHttpStart = input.deadline - input.deadlineMarginMs - input.estimatedHttpMs;
  if (input.now >= latestHttpStart) return { action: 'http', reason: 'deadline' };
  if (input.fetchers > 0) {
    const peerWaitMs = Math.max(input.maxPeerWaitMs, input.estimatedHttpMs + input.estimatedPeerMs);
    const waitEnd = Math.min(latestHttpStart, input.startedAt + peerWaitMs);
    if (input.now < waitEnd) return { action: 'wait', until: waitEnd, reason: 'peer-fetching' };
    return { action: 'http', reason: 'wait-over' };
  }
  const settleEnd = Math.min(latestHttpStart, input.neighboursSettleBy);
  if (input.now < settleEnd) return { action: 'wait', until: settleEnd, reason: 'peers-joining' };
  if (!input.live || input.rank === 0) return { action: 'http', reason: 'no-peers' };
  const staggerEnd = Math.min(latestHttpStart, input.startedAt + input.rank * input.httpStaggerMs);
  if (input.now < staggerEnd) return { action: 'wait', until: staggerEnd, reason: 'stagger' };
  return { action: 'http', reason: 'stagger-over' };
}

/** What the scheduler knows of a connected peer. */
export interface PeerView {
  peerId: string;
  /** Whether the peer shares segments at all (it has announced one). */
  sharing: boolean;
  /** Downloads from this peer in progress. */
  activeDownloads: number;
  score: PeerScore;
  has(sequence: number): boolean;
  isFetching(sequence: number): boolean;
}

/**
 * The peer to download a segment from: among those that hold it and have not failed this load,
 * the least busy, then the best scored (see {@link PeerScore.compare}), then any.
 */
export function pickHolder<Peer extends PeerView>(
  peers: readonly Peer[],
  sequence: number,
  failed: ReadonlySet<string>,
): Peer | undefined {
  const holders = peers.filter((peer) => peer.has(sequence) && !failed.has(peer.peerId));
  holders.sort(
    (a, b) =>
      a.activeDownloads - b.activeDownloads ||
      PeerScore.compare(a.score, b.score) ||
      Math.random() - 0.5,
  );
  return holders[0];
}

/**
 * How long the segment's transfer from the fastest of `fetchers` should take once it has it:
 * the expected size at that peer's measured speed, or the HTTP time before either is known.
 */
export function estimatedPeerMs(
  segmentBytes: number | undefined,
  estimatedHttpMs: number,
  fetchers: readonly Pick<PeerView, 'score'>[],
): number {
  const bytesPerMs = Math.max(0, ...fetchers.map((peer) => peer.score.speed));
  if (segmentBytes === undefined || bytesPerMs === 0) return estimatedHttpMs;
  return segmentBytes / bytesPerMs;
}

/**
 * Our turn to fetch a segment nobody has, among the neighbours that share. A consume-only viewer
 * cannot pass a segment on, so it goes last: the others fetch, and it takes the segment from them.
 */
export function rankAmongSharers(
  selfId: string,
  peers: readonly Pick<PeerView, 'peerId' | 'sharing'>[],
  sequence: number,
  consumeOnly: boolean,
): number {
  const sharers = peers.filter((peer) => peer.sharing).map((peer) => peer.peerId);
  // After every sharer's turn, jitter included.
  if (consumeOnly) return sharers.length + 1;
  if (sharers.length === 0) return 0;
  return rankFor(selfId, sharers, sequence) + rankJitter(selfId, sequence);
}

/**
 * Our rank for a segment among ourselves and our neighbours: how many of them hash lower.
 * Every peer of a fully meshed neighbourhood computes the same order, and a different peer
 * comes first for each segment, which spreads the HTTP downloads.
 */
export function rankFor(selfId: string, neighbourIds: Iterable<string>, sequence: number): number {
  const own = segmentHash(selfId, sequence);
  let rank = 0;
  for (const id of neighbourIds) {
    const other = segmentHash(id, sequence);
    if (other < own || (other === own && id < selfId)) rank += 1;
  }
  return rank;
}

/**
 * A fraction in [0, 1) for a peer and segment, from the same hash as {@link rankFor}. Added to the
 * rank, it spreads the viewers that rank first in their own neighbourhoods: in a large swarm
 * each viewer sees only some peers, so several neighbourhoods each have a "first"; the earliest
 * of them fetches, and the segment reaches the others' neighbourhoods through the mesh before
 * their turn comes.
 */
export function rankJitter(peerId: string, sequence: number): number {
  return segmentHash(peerId, sequence) / 2 ** 32;
}

/**
 * FNV-1a over `peerId:sequence`, then murmur3's finalizer: FNV alone barely moves its high bits
 * for the last characters, so consecutive sequences would keep the same peer first.
 */
function segmentHash(peerId: string, sequence: number): number {
  let hash = 0x811c9dc5;
  const text = `${peerId}:${sequence}`;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/**
 * Whether a P2P download should be abandoned for HTTP: at its measured rate it would finish
 * after the point where an HTTP download of the rest could still make the deadline. (A peer
 * that stops sending altogether is caught by the connection's stall timer.)
 */
export function p2pFallsBehind(args: {
  now: number;
  startedAt: number;
  received: number;
  total: number | undefined;
  deadline: number;
  deadlineMarginMs: number;
  estimatedHttpMs: number;
}): boolean {
  const { now, startedAt, received, total, deadline } = args;
  const latest = deadline - args.deadlineMarginMs;
  if (total === undefined || received === 0) {
    // Nothing yet: give up once waiting longer would leave no time for HTTP.
    return now + args.estimatedHttpMs >= latest;
  }
  const rate = received / Math.max(1, now - startedAt);
  const projectedEnd = now + (total - received) / rate;
  const httpRestEnd = now + args.estimatedHttpMs * ((total - received) / total);
  return projectedEnd > latest && httpRestEnd < projectedEnd;
}
