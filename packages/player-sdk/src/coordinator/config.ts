import type { ReceiptBody } from '@streamrp2p/protocol';
import type { FetchLike } from './api-client.js';
import type { UsageTotals } from './usage.js';
import type { ViewerIdStorage } from './viewer-id.js';

/** Configuration of a {@link CoordinatorClient}. Every field but `url` and `streamId` has a default. */
export interface CoordinatorConfig {
  /** Base URL of the coordinator, e.g. `https://coordinator.example`. */
  url: string;
  /** The stream being watched. */
  streamId: string;
  /**
   * The viewer's id (an account id). Without it, the id stored in `storage` is used, or the one
   * the coordinator assigns, which is then stored.
   * @default undefined
   */
  viewerId: string | undefined;
  /**
   * Where the anonymous viewer id is kept between visits. `null` keeps nothing.
   * @default undefined (`localStorage` when the page has it)
   */
  storage: ViewerIdStorage | null | undefined;
  /**
   * The referral code a new viewer's first session is created with (a share link's, decision
   * 43). A malformed one is not sent.
   * @default undefined (the page URL's `?ref=` parameter, when it holds a code)
   */
  referralCode: string | undefined;
  /**
   * The fetch implementation.
   * @default undefined (`globalThis.fetch`)
   */
  fetch: FetchLike | undefined;
  /**
   * The meeting tickets (from the tracker) covering a batch's uploaders, sent with it: the
   * coordinator credits a receipt only with one. The engine passes its ticket store's lookup.
   * @default undefined (no tickets sent)
   */
  meetingTickets: ((receipts: readonly ReceiptBody[]) => string[]) | undefined;
  /**
   * What the viewer loaded so far (HTTP and P2P bytes and segments, stalls): the difference since
   * the last report is sent with a receipt batch every `usageReportMs` (decision 33). The engine
   * passes its counters.
   * @default undefined (no usage reports)
   */
  usage: (() => UsageTotals) | undefined;
  /**
   * Interval of usage reports while something is loaded (a batch without receipts carries one
   * when none is due).
   * @default 30000
   */
  usageReportMs: number;
  /**
   * Longest wait for the coordinator to index a segment's root before its check is `unknown`.
   * @default 2000
   */
  rootWaitMs: number;
  /**
   * Interval of root requests while waiting for a root that is not indexed yet.
   * @default 400
   */
  rootPollMs: number;
  /**
   * Interval of receipt uploads while receipts are queued.
   * @default 5000
   */
  receiptFlushMs: number;
  /**
   * Queued receipts that trigger an upload without waiting for `receiptFlushMs`.
   * @default 50
   */
  receiptBatchSize: number;
  /**
   * Most receipts in one request (the coordinator accepts at most 500).
   * @default 500
   */
  maxReceiptsPerRequest: number;
  /**
   * Most receipts kept while the coordinator is unreachable; the oldest are dropped beyond it.
   * @default 10000
   */
  maxQueuedReceipts: number;
  /**
   * First retry delay after a failed receipt upload; it doubles with each failure (with jitter).
   * @default 1000
   */
  retryBaseMs: number;
  /**
   * Longest retry delay.
   * @default 30000
   */
  retryMaxMs: number;
  /**
   * Interval of challenge polls, once `startChallenges()` was called.
   * @default 15000
   */
  challengePollMs: number;
  /**
   * Interval of watch-time heartbeats, once `startHeartbeats()` was called.
   * @default 60000
   */
  heartbeatMs: number;
  /**
   * Timeout of each coordinator request.
   * @default 10000
   */
  requestTimeoutMs: number;
  /**
   * A tracker token is refreshed when it expires within this time.
   * @default 60000
   */
  tokenRefreshMarginMs: number;
  /**
   * Time `destroy()` gives the last receipt upload and the session's end.
   * @default 2000
   */
  destroyTimeoutMs: number;
  /**
   * Wall clock in Unix milliseconds (receipt and points timestamps, token expiry).
   * @default Date.now
   */
  now: () => number;
  /**
   * Monotonic clock in milliseconds, for watch time.
   * @default performance.now
   */
  monotonicNow: () => number;
}

/** Config fields a caller may set; `undefined` values are ignored. */
export type CoordinatorOptions = Pick<CoordinatorConfig, 'url' | 'streamId'> &
  Partial<Omit<CoordinatorConfig, 'url' | 'streamId'>>;

/** Defaults of every optional coordinator client field. */
export const DEFAULT_COORDINATOR_CONFIG: Readonly<Omit<CoordinatorConfig, 'url' | 'streamId'>> =
  Object.freeze({
    viewerId: undefined,
    storage: undefined,
    referralCode: undefined,
    fetch: undefined,
    meetingTickets: undefined,
    usage: undefined,
    usageReportMs: 30_000,
    rootWaitMs: 2000,
    rootPollMs: 400,
    receiptFlushMs: 5000,
    receiptBatchSize: 50,
    maxReceiptsPerRequest: 500,
    maxQueuedReceipts: 10_000,
    retryBaseMs: 1000,
    retryMaxMs: 30_000,
    challengePollMs: 15_000,
    heartbeatMs: 60_000,
    requestTimeoutMs: 10_000,
    tokenRefreshMarginMs: 60_000,
    destroyTimeoutMs: 2000,
    now: () => Date.now(),
    monotonicNow: () => performance.now(),
  });

/** The coordinator's limit on receipts per `POST /api/receipts`. */
export const MAX_RECEIPTS_PER_REQUEST = 500;

/** The fields the receipt queue uses. */
export type ReceiptConfig = Pick<
  CoordinatorConfig,
  | 'streamId'
  | 'now'
  | 'receiptFlushMs'
  | 'receiptBatchSize'
  | 'maxReceiptsPerRequest'
  | 'maxQueuedReceipts'
  | 'retryBaseMs'
  | 'retryMaxMs'
> &
  Partial<Pick<CoordinatorConfig, 'meetingTickets' | 'usageReportMs'>>;
