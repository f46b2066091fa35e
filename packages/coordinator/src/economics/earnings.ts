/**
 * A supporter's earnings for the payable chunks it delivered in a period (the seed's formula):
 *
 *   base          = floor(chunks x earningsMicrosPerKiloChunk / 1000)
 *   uptimeBonus   = uptimeBonusMax x uptime part
 *   qosMultiplier = qosMinMultiplier + (1 - qosMinMultiplier) x (latency + success parts) / 2
 *   monthly cap   = floor((capNew + (capMature - capNew) x min(1, account age days /
 *                   capFullAgeDays)) x reputation)
 *   earnings      = min(floor(base x (1 + uptimeBonus) x qosMultiplier x (1 + referralBoost)),
 *                       max(0, cap - earned this month))
 *
 * QoS favours supporters close to their viewers (fast, reliable deliveries); the cap grows with
 * account age and reputation, so a young or doubtful account can only earn a little a month.
 * The multipliers are rounded to millionths and applied in BigInt, so each floor is exact
 * integer arithmetic whatever the amounts.
 */
import type { ReputationParts } from '@streamrp2p/protocol';
import type { EconomicsPolicy } from './policy.js';

const DAY_MS = 86_400_000;
const PPM = 1_000_000;

/** One supporter's figures for a period. */
export interface EarningsInput {
  /** Payable verified chunks it delivered (`chunksOf` per receipt, summed). */
  chunks: number;
  /** Its reputation, 0..1 (`trust/reputation.ts`). */
  reputation: number;
  parts: ReputationParts;
  /** Time since its first session, ms. */
  accountAgeMs: number;
  /** What it has already earned in the current calendar month, micro-units. */
  earnedThisMonthMicros: number;
  /**
   * A supporter-referral boost in force at the period's end, 0..1 (`referrals/`, decision 43:
   * 0.1 for 30 days). Under the monthly cap like the rest. @default 0
   */
  referralBoost?: number;
}

/** The earnings and how they were reached. */
export interface Earnings {
  baseMicros: number;
  uptimeBonus: number;
  qosMultiplier: number;
  /** The referral boost applied (0 without one). */
  referralBoost: number;
  /** The monthly cap (before subtracting what was earned this month). */
  capMicros: number;
  earningsMicros: number;
  /** Whether the cap cut the earnings. */
  capped: boolean;
}

function count(name: string, value: number): bigint {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer, got ${value}`);
  }
  return BigInt(value);
}

function ratio(name: string, value: number): number {
  if (!(Number.isFinite(value) && value >= 0 && value <= 1)) {
    throw new RangeError(`${name} must be a number in 0..1, got ${value}`);
  }
  return value;
}

const toPpm = (x: number) => BigInt(Math.round(x * PPM));

/**
 * The earnings of one supporter for a period.
 *
 * @example
 * earningsOf({ chunks: 10_000, reputation: 0.8, parts, accountAgeMs: 0,
 *   earnedThisMonthMicros: 0 }, economicsPolicy(config)).earningsMicros;
 */
export function earningsOf(input: EarningsInput, policy: EconomicsPolicy): Earnings {
  const chunks = count('chunks', input.chunks);
  const earned = count('earnedThisMonthMicros', input.earnedThisMonthMicros);
  const reputation = ratio('reputation', input.reputation);
  const uptime = ratio('parts.uptime', input.parts.uptime);
  const latency = ratio('parts.latency', input.parts.latency);
  const success = ratio('parts.success', input.parts.success);
  const referralBoost = ratio('referralBoost', input.referralBoost ?? 0);
  if (!(Number.isFinite(input.accountAgeMs) && input.accountAgeMs >= 0)) {
    throw new RangeError(`accountAgeMs must be a non-negative number, got ${input.accountAgeMs}`);
  }

  const base = (chunks * BigInt(policy.earningsMicrosPerKiloChunk)) / 1000n;
  if (base > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`chunks ${input.chunks} earn more than a safe integer of micro-units`);
  }
  const uptimeBonus = policy.uptimeBonusMax * uptime;
  const qosMultiplier =
    policy.qosMinMultiplier + (1 - policy.qosMinMultiplier) * ((latency + success) / 2);
  const gross =
    (base * toPpm((1 + uptimeBonus) * qosMultiplier * (1 + referralBoost))) / BigInt(PPM);

  const { monthlyCapNewMicros: capNew, monthlyCapMatureMicros: capMature } = policy;
  const maturity =
    policy.capFullAgeDays === 0
      ? 1
      : Math.min(1, input.accountAgeMs / DAY_MS / policy.capFullAgeDays);
  // (capNew + (capMature - capNew) x maturity) x reputation, in millionths of each factor.
  const capUnscaledPpm =
    BigInt(capNew) * BigInt(PPM) + BigInt(capMature - capNew) * toPpm(maturity);
  const cap = (capUnscaledPpm * toPpm(reputation)) / BigInt(PPM * PPM);
  const allowance = cap > earned ? cap - earned : 0n;
  const capped = gross > allowance;

  return {
    baseMicros: Number(base),
    uptimeBonus,
    qosMultiplier,
    referralBoost,
    capMicros: Number(cap),
    earningsMicros: Number(capped ? allowance : gross),
    capped,
  };
}
