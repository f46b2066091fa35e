/**
 * Credit bounded by physics (decision 23): what a receiving session could have played and what
 * an uploader could have sent, as plain numbers from the configuration, the sessions' start
 * times and the bytes the stream published. The limits are enforced where the receipts are
 * inserted (`credit-receipts.ts`), against counters locked in that statement; the per-receipt
 * rules (a segment published while the receiver was live, the first uploaders of an address)
 * are checked with the others (`receipt-checks.ts`).
 */
import type { CoordinatorConfig } from '../config/config.js';
import { reject, type Rejected } from './receipt-codes.js';

/** Bytes per second of one kbit/s (1 kbit = 1000 bits). */
const BYTES_PER_SECOND_PER_KBPS = 125;

type BoundsConfig = Pick<
  CoordinatorConfig,
  'receiptRewindSeconds' | 'receiverBoundSlack' | 'uploaderMaxKbps' | 'uploaderBurstSeconds'
>;

/**
 * The earliest `indexed_at` (ms) of a segment the receiver may confirm: its session's start
 * minus the rewind allowance. Also where its receiver bound's window begins.
 */
export function publishedSince(config: BoundsConfig, receiverCreatedAt: number): number {
  return receiverCreatedAt - config.receiptRewindSeconds * 1000;
}

/**
 * Most bytes a receiving session may be credited in all: `publishedBytes` (the largest sum of
 * one rendition's segments indexed since {@link publishedSince}) x the slack.
 *
 * @example
 * receiverLimit({ ...config, receiverBoundSlack: 1.5 }, 10_000_000); // 15_000_000
 */
export function receiverLimit(config: BoundsConfig, publishedBytes: number): number {
  return Math.floor(publishedBytes * config.receiverBoundSlack);
}

/**
 * Most bytes an uploader session may be credited in all at `now`: the plausible upload rate x
 * (its lifetime + the burst allowance).
 *
 * @example
 * uploaderLimit({ ...config, uploaderMaxKbps: 8000, uploaderBurstSeconds: 0 }, 0, 10_000); // 10 MB
 */
export function uploaderLimit(config: BoundsConfig, createdAt: number, now: number): number {
  const seconds = Math.max(0, now - createdAt) / 1000 + config.uploaderBurstSeconds;
  return Math.floor(config.uploaderMaxKbps * BYTES_PER_SECOND_PER_KBPS * seconds);
}

/** `BEFORE_SESSION` when the segment was indexed before the receiver's window. */
export function checkPublishedInSession(indexedAt: number, since: number): Rejected | undefined {
  if (indexedAt >= since) return undefined;
  return reject(
    'BEFORE_SESSION',
    'the segment was published before the receiver session began (beyond the rewind allowance)',
  );
}

/**
 * `SUPPORTER_LIMIT` when `uploadersBefore` (live sessions of the uploader's address in the
 * stream that were credited as uploaders before it) already fill the address's quota.
 */
export function checkSupporterLimit(
  uploadersPerAddress: number,
  uploadersBefore: number,
): Rejected | undefined {
  if (uploadersBefore < uploadersPerAddress) return undefined;
  return reject(
    'SUPPORTER_LIMIT',
    `${uploadersBefore} earlier live sessions of the uploader's address already upload in this ` +
      `stream (at most ${uploadersPerAddress} are credited)`,
  );
}
