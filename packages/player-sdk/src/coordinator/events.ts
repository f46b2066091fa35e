import type { PointsAction, PointsResponse, ReceiptBody } from '@streamrp2p/protocol';
import type { SdkError, SdkErrorCode } from '../errors.js';

/** Outcome of one receipt upload. */
export interface ReceiptBatchOutcome {
  /** Receipts the coordinator answered for. */
  sent: number;
  credited: number;
  /** Already credited (an earlier attempt got through): dropped like credited ones. */
  duplicates: number;
  rejected: number;
}

/** What one `flush()` of receipts achieved; `error` is set when it stopped on a failed request. */
export interface FlushResult extends ReceiptBatchOutcome {
  error?: SdkError;
}

/**
 * A receipt the coordinator refused, with its reason code (e.g. `ROOT_MISMATCH`; for a request
 * refused whole, each of its receipts with the request's code, e.g. `BAD_SIGNATURE`).
 */
export interface ReceiptRejection {
  receipt: ReceiptBody;
  code: string;
  message: string;
}

/** A points award the coordinator confirmed. */
export interface PointsEvent {
  action: PointsAction;
  awarded: number;
  balance: number;
  multiplier: number;
  status: PointsResponse['status'];
}

/** A challenge answered: `passed` as judged by the coordinator. */
export interface ChallengeEvent {
  challengeId: string;
  rendition: string;
  sequence: number;
  passed: boolean;
  /** Why it failed: `WRONG_PROOF`, `EXPIRED`, `ALREADY_ANSWERED`. */
  reason?: string;
}

/** Events of a `CoordinatorClient`, with one payload type each. */
export interface CoordinatorEvents {
  /** The session exists. */
  session: { sessionId: string; peerId: string; viewerId: string };
  /**
   * The coordinator no longer knows the session (it ended, or went unseen for its TTL). Queued
   * receipts and heartbeats of this session cannot be delivered any more: destroy this client
   * and start a new one (a new session, peer id and tracker token).
   */
  'session-expired': { sessionId: string; code: string };
  points: PointsEvent;
  /** Once per client, when the balance first reaches 100 points (not when it jumps to VIP). */
  'account-prompt': { balance: number };
  /** Once per client, when the balance first reaches 1000 points. */
  vip: { balance: number };
  /** One receipt upload answered. */
  receipts: ReceiptBatchOutcome;
  'receipt-rejected': ReceiptRejection;
  /** Receipts dropped because the queue was full (the coordinator was away too long). */
  'receipts-dropped': { count: number };
  challenge: ChallengeEvent;
  /** Something failed that the client survives (it retries or skips on its own). */
  error: {
    code: SdkErrorCode;
    message: string;
    fatal: false;
    details: Record<string, unknown>;
  };
}

/** How components report to the client's emitter. */
export type Emit = <E extends keyof CoordinatorEvents & string>(
  event: E,
  payload: CoordinatorEvents[E],
) => void;

/** How the parts of the client report: events, and failures they survive (non-fatal). */
export interface Hooks {
  emit: Emit;
  /** An invalid input, a 4xx, or the first failure of an outage (retries follow on their own). */
  onError: (error: SdkError) => void;
}
