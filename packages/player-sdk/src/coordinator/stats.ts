import type { PointsResponse } from '@streamrp2p/protocol';
import type { ChallengeResponder } from './challenges.js';
import type { WatchHeartbeat } from './points.js';
import type { ReceiptQueue } from './receipts.js';
import type { RootsCache } from './roots.js';
import type { SessionInfo } from './session.js';

/** Running totals of a `CoordinatorClient`. */
export interface CoordinatorStats {
  session: SessionInfo | undefined;
  roots: {
    requests: number;
    /** Roots held in memory. */
    cached: number;
    ok: number;
    mismatch: number;
    unknown: number;
  };
  receipts: {
    /** Signed and not yet answered for by the coordinator. */
    pending: number;
    credited: number;
    duplicates: number;
    rejected: number;
    /** Dropped because the queue was full. */
    dropped: number;
    requests: number;
    /** Requests sent after a failed one. */
    retries: number;
  };
  challenges: { polls: number; answered: number; passed: number; failed: number; skipped: number };
  points: {
    /** Last balance the coordinator reported, once it did. */
    balance: number | undefined;
    status: PointsResponse['status'];
    heartbeats: number;
    failures: number;
    sentSeconds: number;
    unsentSeconds: number;
  };
}

/** Collects the totals of each part (those not started yet count zero). */
export function statsOf(
  session: SessionInfo | undefined,
  roots: RootsCache,
  receipts: ReceiptQueue | undefined,
  challenges: ChallengeResponder | undefined,
  heartbeat: WatchHeartbeat | undefined,
): CoordinatorStats {
  const queue = receipts?.stats;
  return {
    session: session && {
      sessionId: session.sessionId,
      peerId: session.peerId,
      viewerId: session.viewerId,
    },
    roots: { ...roots.stats, cached: roots.size },
    receipts: {
      pending: receipts?.pending ?? 0,
      credited: queue?.credited ?? 0,
      duplicates: queue?.duplicates ?? 0,
      rejected: queue?.rejected ?? 0,
      dropped: queue?.dropped ?? 0,
      requests: queue?.requests ?? 0,
      retries: queue?.retries ?? 0,
    },
    challenges: { polls: 0, answered: 0, passed: 0, failed: 0, skipped: 0, ...challenges?.stats },
    points: {
      balance: heartbeat?.balance,
      status: heartbeat?.status ?? 'none',
      heartbeats: heartbeat?.stats.heartbeats ?? 0,
      failures: heartbeat?.stats.failures ?? 0,
      sentSeconds: heartbeat?.stats.sentSeconds ?? 0,
      unsentSeconds: heartbeat?.unsentSeconds ?? 0,
    },
  };
}
