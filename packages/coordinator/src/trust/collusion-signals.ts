/**
 * The collusion signals, as pure functions over one window of the receipt graph: which uploader
 * sessions look like a farm, and which of them form one group. Each uploader is judged on its
 * own receipts, so a farm cannot dilute its figures by linking itself to an honest swarm.
 *
 * A swarm where a few supporters serve many viewers is asymmetric, its receivers play, and they
 * come from many networks; a farm serves itself (symmetric), its receivers never play, and its
 * sessions come from one network, often in bursts, with reused keys or identical timing. No one
 * signal but the strongest decides: each has a weight and a group is held from `holdScore`.
 */
import type { HoldReason } from '@streamrp2p/protocol';

/** Thresholds and weights of the signals (documented in the README, "Reputation and review"). */
export const COLLUSION_RULES = Object.freeze({
  /**
   * RECIPROCAL: this share of an uploader's bytes went to sessions that served it back, directly
   * or through at most `reciprocalHops - 1` others (pairs, and rings of up to four sessions).
   */
  reciprocalShare: 0.5,
  reciprocalHops: 3,
  /** Sessions one backward search visits at most (a bound on the job's work in a dense mesh). */
  reciprocalSearchLimit: 5000,
  reciprocalWeight: 1,
  /** NO_PLAYBACK: this share of its bytes (to receivers past the grace) went to non-players. */
  noPlaybackShare: 0.5,
  noPlaybackWeight: 2,
  /** SAME_NETWORK: this share of its bytes went to receivers on its own network. */
  sameNetworkShare: 0.8,
  sameNetworkWeight: 1,
  /** SESSION_BURST: this many sessions on its network created within `burstWindowMs` of it. */
  burstSessions: 10,
  burstWindowMs: 60_000,
  burstWeight: 1,
  /** SHARED_KEY: its public key is (or was) used by another session. A real SDK never does. */
  sharedKeyWeight: 3,
  /** SHARED_TIMING: this share of its receipts carry a timestamp another receiver also signed. */
  sharedTimingShare: 0.5,
  sharedTimingMinReceipts: 10,
  sharedTimingWeight: 1,
  /** A group is held from this total weight. */
  holdScore: 3,
});

/** Who a session is, as the signals see it. */
export interface SessionFacts {
  id: string;
  viewerId: string;
  streamId: string;
  networkKey: string;
  publicKey: string;
  createdAtMs: number;
  /** Watch heartbeats were accepted for it (or its viewer's watch time covers it). */
  played: boolean;
}

/** Bytes one session credited another within the window. */
export interface Edge {
  uploader: string;
  receiver: string;
  bytes: number;
}

/** One window of the graph and what the signals need besides it. */
export interface GraphFacts {
  edges: readonly Edge[];
  sessions: ReadonlyMap<string, SessionFacts>;
  /** Public keys used by more than one session. */
  sharedKeys: ReadonlySet<string>;
  /** Creation times (ms, ascending) of the sessions of each network involved. */
  networkCreations: ReadonlyMap<string, readonly number[]>;
  /** Per uploader: receipts in the window, and those whose timestamp another receiver shares. */
  timing: ReadonlyMap<string, { receipts: number; shared: number }>;
}

/** One signal raised on an uploader. */
export interface Flag extends HoldReason {
  weight: number;
}

const percent = (x: number) => `${Math.round(x * 100)}%`;

/** The sessions with a path of at most `hops` edges to `target` (who served it, who served them, ...). */
function servedBack(
  target: string,
  servedBy: ReadonlyMap<string, readonly string[]>,
  hops: number,
  limit: number,
): Set<string> {
  const seen = new Set<string>();
  let frontier = [target];
  for (let hop = 0; hop < hops && frontier.length > 0 && seen.size < limit; hop++) {
    const next: string[] = [];
    for (const node of frontier) {
      for (const from of servedBy.get(node) ?? []) {
        if (seen.has(from) || seen.size >= limit) continue;
        seen.add(from);
        next.push(from);
      }
    }
    frontier = next;
  }
  return seen;
}

function countWithin(times: readonly number[], from: number, to: number): number {
  let n = 0;
  for (const t of times) if (t >= from && t <= to) n++;
  return n;
}

/**
 * The flags of every uploader of the window (uploaders without flags are absent).
 *
 * @example
 * const flags = flagUploaders(facts, Date.now(), 180_000);
 * const held = [...flags].filter(([, f]) => score(f) >= COLLUSION_RULES.holdScore);
 */
export function flagUploaders(
  facts: GraphFacts,
  nowMs: number,
  playbackGraceMs: number,
): Map<string, Flag[]> {
  const r = COLLUSION_RULES;
  const byUploader = new Map<string, Edge[]>();
  const servedBy = new Map<string, string[]>();
  for (const edge of facts.edges) {
    const list = byUploader.get(edge.uploader) ?? [];
    list.push(edge);
    byUploader.set(edge.uploader, list);
    const from = servedBy.get(edge.receiver) ?? [];
    from.push(edge.uploader);
    servedBy.set(edge.receiver, from);
  }
  const result = new Map<string, Flag[]>();
  for (const [uploaderId, edges] of byUploader) {
    const uploader = facts.sessions.get(uploaderId);
    if (uploader === undefined) continue;
    const flags: Flag[] = [];
    const back = servedBack(uploaderId, servedBy, r.reciprocalHops, r.reciprocalSearchLimit);
    let total = 0;
    let reciprocal = 0;
    let sameNetwork = 0;
    let judged = 0;
    let silent = 0;
    for (const edge of edges) {
      const receiver = facts.sessions.get(edge.receiver);
      total += edge.bytes;
      if (back.has(edge.receiver)) reciprocal += edge.bytes;
      if (receiver === undefined) continue;
      if (receiver.networkKey === uploader.networkKey) sameNetwork += edge.bytes;
      if (receiver.createdAtMs <= nowMs - playbackGraceMs) {
        judged += edge.bytes;
        if (!receiver.played) silent += edge.bytes;
      }
    }
    if (total === 0) continue;
    if (reciprocal / total >= r.reciprocalShare) {
      flags.push({
        code: 'RECIPROCAL',
        weight: r.reciprocalWeight,
        message: `${percent(reciprocal / total)} of its bytes went to sessions that served it back`,
      });
    }
    if (judged > 0 && silent / judged >= r.noPlaybackShare) {
      flags.push({
        code: 'NO_PLAYBACK',
        weight: r.noPlaybackWeight,
        message: `${percent(silent / judged)} of its bytes went to receivers that never played`,
      });
    }
    if (sameNetwork / total >= r.sameNetworkShare) {
      flags.push({
        code: 'SAME_NETWORK',
        weight: r.sameNetworkWeight,
        message: `${percent(sameNetwork / total)} of its bytes went to its own network`,
      });
    }
    const created = facts.networkCreations.get(uploader.networkKey) ?? [];
    const burst = countWithin(
      created,
      uploader.createdAtMs - r.burstWindowMs,
      uploader.createdAtMs + r.burstWindowMs,
    );
    if (burst >= r.burstSessions) {
      flags.push({
        code: 'SESSION_BURST',
        weight: r.burstWeight,
        message: `${burst} sessions of its network were created within ${r.burstWindowMs / 1000} s of it`,
      });
    }
    if (facts.sharedKeys.has(uploader.publicKey)) {
      flags.push({
        code: 'SHARED_KEY',
        weight: r.sharedKeyWeight,
        message: 'its public key is used by another session',
      });
    }
    const timing = facts.timing.get(uploaderId);
    if (
      timing !== undefined &&
      timing.receipts >= r.sharedTimingMinReceipts &&
      timing.shared / timing.receipts >= r.sharedTimingShare
    ) {
      flags.push({
        code: 'SHARED_TIMING',
        weight: r.sharedTimingWeight,
        message: `${percent(timing.shared / timing.receipts)} of its receipts carry a timestamp another receiver signed too`,
      });
    }
    if (flags.length > 0) result.set(uploaderId, flags);
  }
  return result;
}

/** The total weight of `flags`. */
export function score(flags: readonly Flag[]): number {
  return flags.reduce((sum, f) => sum + f.weight, 0);
}

/**
 * Splits the `held` uploaders into groups: two are in one group when a path of edges of the
 * window joins them (through any session, held or not). Groups are sorted for stable output.
 */
export function groupSessions(edges: readonly Edge[], held: ReadonlySet<string>): string[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  for (const { uploader, receiver } of edges) {
    const a = find(uploader);
    const b = find(receiver);
    if (a !== b) parent.set(a < b ? b : a, a < b ? a : b);
  }
  const groups = new Map<string, string[]>();
  for (const id of [...held].sort()) {
    const root = find(id);
    const group = groups.get(root) ?? [];
    group.push(id);
    groups.set(root, group);
  }
  return [...groups.values()];
}
