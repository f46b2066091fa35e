/**
 * The revenue split of a period (the seed's `calculate_payouts`, decision 30):
 *
 *   platform fee  = floor(revenue x platformFeeBps / 10^4)
 *   CDN saved     = floor(verified P2P bytes / 10^9 x cdnCostMicrosPerGb)
 *   rebate        = floor(CDN saved x p2pRebateBps / 10^4)
 *   pool formula  = floor((revenue - fee) x supporterPoolBps / 10^4) + rebate
 *   pool          = min(pool formula, revenue - fee, sum of the supporters' earnings)
 *   streamer      = revenue - fee - pool
 *
 * The pool never takes more than the revenue can pay after the fee (zero revenue pays no one,
 * however much was delivered), and no supporter receives more than it earned; what the pool
 * does not use stays with the streamer. Nothing carries over to a later period: a period's
 * revenue pays that period's deliveries, so a closed period is final and a later one never owes
 * an earlier one. The pool is shared in proportion to earnings by the largest-remainder method
 * (ties by id), so the shares add up exactly to the pool and each is within one micro-unit of
 * its exact proportion. All arithmetic is BigInt; every remainder of a floor goes to the
 * streamer. Figures beyond 2^53 - 1 (only the CDN saving, the rebate and the pool formula can
 * get there) are reported as 2^53 - 1.
 */
import type { EconomicsPolicy } from './policy.js';

const BPS = 10_000n;
const GB = 1_000_000_000n;

/** What a period splits. */
export interface SplitInput {
  /** Revenue recorded for the period, micro-units. */
  revenueMicros: number;
  /** Verified (payable) P2P bytes delivered in the period. */
  p2pBytes: number;
  /** Each supporter's earnings (`earningsOf`), its weight in the pool and the most it gets. */
  supporters: ReadonlyArray<{ id: string; earningsMicros: number }>;
}

/** The split; `platformFeeMicros + poolMicros + streamerMicros === revenueMicros`. */
export interface RevenueSplit {
  revenueMicros: number;
  platformFeeMicros: number;
  cdnSavedMicros: number;
  rebateMicros: number;
  /** What the formula asked for; `poolMicros` is what was paid. */
  poolFormulaMicros: number;
  poolMicros: number;
  streamerMicros: number;
  /** In the input's order; the amounts sum to `poolMicros`. */
  supporters: Array<{ id: string; earningsMicros: number; amountMicros: number }>;
}

function amount(name: string, value: number): bigint {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer, got ${value}`);
  }
  return BigInt(value);
}

/**
 * A reported figure as a number. Fee, pool and streamer never exceed the revenue; the CDN
 * saving, the rebate and the pool formula can (petabytes at a high CDN price, or a formula
 * adding a huge rebate), and are then reported as the largest safe integer: they only matter
 * up to the revenue, which is a safe integer.
 */
const reported = (value: bigint): number =>
  value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);

const min = (...xs: bigint[]) => xs.reduce((a, b) => (b < a ? b : a));

/**
 * Shares `pool` among `weights` in proportion, by the largest-remainder method: each gets the
 * floor of its quota, then the units left go one each to the largest remainders (ties by id).
 */
function largestRemainder(
  pool: bigint,
  weights: ReadonlyArray<{ id: string; weight: bigint }>,
): bigint[] {
  const total = weights.reduce((sum, w) => sum + w.weight, 0n);
  if (total === 0n || pool === 0n) return weights.map(() => 0n);
  const shares = weights.map((w) => (pool * w.weight) / total);
  let left = pool - shares.reduce((a, b) => a + b, 0n);
  const order = weights
    .map((w, i) => ({ i, id: w.id, remainder: (pool * w.weight) % total }))
    .filter((r) => r.remainder > 0n)
    .sort((a, b) =>
      a.remainder === b.remainder ? (a.id < b.id ? -1 : 1) : a.remainder > b.remainder ? -1 : 1,
    );
  // The remainders sum to `left x total` and each is under `total`, so there are more than
  // `left` of them: every unit finds a supporter with a positive remainder.
  for (const r of order) {
    if (left === 0n) break;
    shares[r.i]! += 1n;
    left -= 1n;
  }
  return shares;
}

/**
 * Splits a period's revenue between the platform, the supporters and the streamer.
 *
 * @example
 * splitRevenue({ revenueMicros: 100_000_000, p2pBytes: 0,
 *   supporters: [{ id: 'v1', earningsMicros: 5_000_000 }] }, policy).poolMicros; // 5000000
 */
export function splitRevenue(input: SplitInput, policy: EconomicsPolicy): RevenueSplit {
  const revenue = amount('revenueMicros', input.revenueMicros);
  const p2pBytes = amount('p2pBytes', input.p2pBytes);
  const seen = new Set<string>();
  const weights = input.supporters.map((s, i) => {
    if (typeof s.id !== 'string' || s.id.length === 0) {
      throw new RangeError(`supporters[${i}].id must be a non-empty string`);
    }
    if (seen.has(s.id)) throw new RangeError(`supporter ${s.id} appears more than once`);
    seen.add(s.id);
    return { id: s.id, weight: amount(`supporters[${i}].earningsMicros`, s.earningsMicros) };
  });

  const fee = (revenue * BigInt(policy.platformFeeBps)) / BPS;
  const afterFee = revenue - fee;
  const cdnSaved = (p2pBytes * BigInt(policy.cdnCostMicrosPerGb)) / GB;
  const rebate = (cdnSaved * BigInt(policy.p2pRebateBps)) / BPS;
  const poolFormula = (afterFee * BigInt(policy.supporterPoolBps)) / BPS + rebate;
  const earned = weights.reduce((sum, w) => sum + w.weight, 0n);
  const pool = min(poolFormula, afterFee, earned);
  const shares = largestRemainder(pool, weights);

  return {
    revenueMicros: input.revenueMicros,
    platformFeeMicros: Number(fee),
    cdnSavedMicros: reported(cdnSaved),
    rebateMicros: reported(rebate),
    poolFormulaMicros: reported(poolFormula),
    poolMicros: Number(pool),
    streamerMicros: Number(afterFee - pool),
    supporters: input.supporters.map((s, i) => ({
      id: s.id,
      earningsMicros: s.earningsMicros,
      amountMicros: Number(shares[i]),
    })),
  };
}
