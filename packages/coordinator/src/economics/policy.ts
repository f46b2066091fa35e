/**
 * The economics policy: the rates, shares and caps earnings and the revenue split are computed
 * with (`earnings.ts`, `split.ts`), taken from the coordinator's config. A period stores the
 * policy it was closed with, so a later change of config never rewrites a closed period.
 */
import type { CoordinatorConfig } from '../config/config.js';

/** Everything the pure economics functions need; amounts in micro-units, shares in bps. */
export interface EconomicsPolicy {
  /** ISO 4217 code, lower case; one per deployment. */
  currency: string;
  /** Platform fee, of revenue. */
  platformFeeBps: number;
  /** Supporter pool, of revenue minus the platform fee. */
  supporterPoolBps: number;
  /** Rebate added to the pool, of the CDN cost saved. */
  p2pRebateBps: number;
  /** CDN cost per GB (10^9 bytes) delivered. */
  cdnCostMicrosPerGb: number;
  /** Earnings per 1,000 payable verified chunks (16 KiB leaves). */
  earningsMicrosPerKiloChunk: number;
  /** Earnings bonus at a full uptime part. */
  uptimeBonusMax: number;
  /** QoS multiplier at the worst latency and success parts (1 at the best). */
  qosMinMultiplier: number;
  /** Monthly earnings cap of a new account, before scaling by reputation. */
  monthlyCapNewMicros: number;
  /** Monthly earnings cap of an account `capFullAgeDays` old, before scaling by reputation. */
  monthlyCapMatureMicros: number;
  /** Account age at which the cap reaches `monthlyCapMatureMicros`. */
  capFullAgeDays: number;
  /** Reputation from which credit is payable (earnings count only payable chunks). */
  payableReputation: number;
}

/**
 * The policy of `config`.
 *
 * @example
 * economicsPolicy(resolveCoordinatorConfig()).platformFeeBps; // 1500
 */
export function economicsPolicy(config: CoordinatorConfig): EconomicsPolicy {
  return {
    currency: config.currency,
    platformFeeBps: config.platformFeeBps,
    supporterPoolBps: config.supporterPoolBps,
    p2pRebateBps: config.p2pRebateBps,
    cdnCostMicrosPerGb: config.cdnCostMicrosPerGb,
    earningsMicrosPerKiloChunk: config.earningsMicrosPerKiloChunk,
    uptimeBonusMax: config.uptimeBonusMax,
    qosMinMultiplier: config.qosMinMultiplier,
    monthlyCapNewMicros: config.monthlyCapNewMicros,
    monthlyCapMatureMicros: config.monthlyCapMatureMicros,
    capFullAgeDays: config.capFullAgeDays,
    payableReputation: config.payableReputation,
  };
}

/** Bytes of a chunk: a Merkle leaf, the unit challenges prove and earnings count. */
export const CHUNK_BYTES = 16_384;

/**
 * The chunks of one receipt of `byteLength` bytes: whole leaves, a partial last one counted.
 * Count per receipt and sum, never on a sum of bytes.
 *
 * @example
 * chunksOf(40_000); // 3
 */
export function chunksOf(byteLength: number): number {
  if (!Number.isSafeInteger(byteLength) || byteLength < 0) {
    throw new RangeError(`byteLength must be a non-negative safe integer, got ${byteLength}`);
  }
  return Math.ceil(byteLength / CHUNK_BYTES);
}
