/**
 * Reputation: one number 0..1 per viewer. It is the one definition credit payability and the
 * supporters' earnings (`economics/earnings.ts`) rest on (decision 30), so every constant is
 * here and in the README. Five named parts, each normalised to 0..1:
 *
 *   uptime    = min(1, live time / 2 h)         live time: the union of the viewer's sessions'
 *                                               [created_at, ended_at or last_seen_at] intervals
 *   latency   = 1 at a median delivery of 500 ms or less, 0 at 5,000 ms or more, linear between:
 *               (5000 - median) / 4500. The median of `receipts.delivery_ms` (request to last
 *               byte, as the receiver reports it) over the 500 most recent receipts crediting
 *               the viewer that have one; none = 0 (no evidence)
 *   success   = (passed + verified / 100) / (passed + verified / 100 + 3 x failures + 2)
 *               passed / failures: its challenges (failures = failed + expired unanswered);
 *               verified: receipts crediting it (100 verified deliveries count as one pass)
 *   diversity = min(1, receiver networks / 5)   distinct `network_key`s of sessions that credited
 *                                               the viewer, its own networks excluded
 *   age       = min(1, time since the first session / 2 h)   (maturity)
 *
 *   quality    = 0.3 uptime + 0.25 latency + 0.25 success + 0.2 diversity   (the seed's weights)
 *   reputation = age x quality
 *
 * New viewers start at 0. Latency, success and diversity can be earned (or faked) fast; uptime
 * and age only with the wall clock, and uptime never exceeds age (same 2 h scale). So at `m` =
 * age part the most any viewer has is m x (0.3 m + 0.7): within one hour of its first session
 * (m <= 0.5) at most 0.5 x 0.85 = 0.425, whatever it does, far below the 0.7 payable threshold
 * (maturity alone caps it at 0.5). A flawless viewer reaches 0.7 at m = 0.756, after 1 h 31 min.
 * An honest supporter needs a quality of at least 0.7 to ever be payable: with a full uptime,
 * deliveries at a 1.5 s median (latency 0.78), 5 passed challenges and 500 deliveries (success
 * 0.83) and receivers on 2 networks (diversity 0.4), quality is 0.78 and it is payable after
 * 1 h 51 min; a supporter whose SDK reports no delivery times (latency 0) needs success and
 * diversity both near full (quality at most 0.75).
 */
import type { ReputationParts } from '@streamrp2p/protocol';

const HOUR_MS = 3_600_000;

/** The parts of the quality, weighted; `age` is not among them, it multiplies their sum. */
export type QualityParts = Omit<ReputationParts, 'age'>;

/** Weight of each quality part (the seed's); they sum to 1. */
export const REPUTATION_WEIGHTS: Readonly<QualityParts> = Object.freeze({
  uptime: 0.3,
  latency: 0.25,
  success: 0.25,
  diversity: 0.2,
});

/** How each part is normalised. */
export const REPUTATION_SCALES = Object.freeze({
  /** Live time that gives a full uptime part. */
  uptimeFullMs: 2 * HOUR_MS,
  /** Time since the first session that gives a full age (maturity) part. */
  ageFullMs: 2 * HOUR_MS,
  /** Median delivery time at or below which the latency part is 1. */
  latencyBestMs: 500,
  /** Median delivery time at or above which the latency part is 0. */
  latencyWorstMs: 5000,
  /** How many of the most recent receipts with a delivery time the median is taken over. */
  latencySampleReceipts: 500,
  /** Verified deliveries (receipts) that count as one passed challenge. */
  deliveriesPerPass: 100,
  /** A failed or expired challenge counts this many times a pass. */
  challengeFailWeight: 3,
  /** Passes a newcomer is short of: no evidence scores 0, 2 passes 0.5. */
  challengePrior: 2,
  /** Distinct receiver networks that give a full diversity part. */
  diversityFullNetworks: 5,
});

/** What reputation is computed from, as read from the database (`viewer-reputation.ts`). */
export interface ReputationFacts {
  /** Unix ms of the viewer's first session; undefined for a viewer without sessions. */
  firstSessionAt: number | undefined;
  /** The union of its sessions' live intervals, ms. */
  liveMs: number;
  challengesPassed: number;
  challengesFailed: number;
  /** Challenges that expired unanswered. */
  challengesExpired: number;
  /** Receipts crediting it (verified deliveries). */
  receiptsVerified: number;
  /** Median delivery time of its most recent receipts that have one; undefined if none do. */
  deliveryMedianMs: number | undefined;
  /** Distinct networks of the sessions that credited it, its own excluded. */
  receiverNetworks: number;
}

/** A reputation and its parts. */
export interface Reputation {
  reputation: number;
  parts: ReputationParts;
}

const unit = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
/** Rounded to 4 decimals, so the API's figures are stable and comparable. */
const round = (x: number) => Math.round(x * 10_000) / 10_000;

/** The latency part of a median delivery time (undefined = no measured delivery = 0). */
export function latencyPart(medianMs: number | undefined): number {
  if (medianMs === undefined || !Number.isFinite(medianMs)) return 0;
  const { latencyBestMs: best, latencyWorstMs: worst } = REPUTATION_SCALES;
  return round(unit((worst - medianMs) / (worst - best)));
}

/**
 * The reputation of a viewer at `nowMs`.
 *
 * @example
 * reputationOf({ firstSessionAt: now - 3_600_000, liveMs: 3_600_000, challengesPassed: 0,
 *   challengesFailed: 0, challengesExpired: 0, receiptsVerified: 0,
 *   deliveryMedianMs: undefined, receiverNetworks: 0 }, now).reputation; // 0.5 x 0.15 = 0.075
 */
export function reputationOf(facts: ReputationFacts, nowMs: number): Reputation {
  const s = REPUTATION_SCALES;
  const ageMs = facts.firstSessionAt === undefined ? 0 : Math.max(0, nowMs - facts.firstSessionAt);
  const failures = facts.challengesFailed + facts.challengesExpired;
  const evidence = facts.challengesPassed + facts.receiptsVerified / s.deliveriesPerPass;
  const parts: ReputationParts = {
    uptime: round(unit(Math.min(facts.liveMs, ageMs) / s.uptimeFullMs)),
    latency: latencyPart(facts.deliveryMedianMs),
    success: round(
      unit(evidence / (evidence + s.challengeFailWeight * failures + s.challengePrior)),
    ),
    diversity: round(unit(facts.receiverNetworks / s.diversityFullNetworks)),
    age: round(unit(ageMs / s.ageFullMs)),
  };
  const w = REPUTATION_WEIGHTS;
  const quality =
    w.uptime * parts.uptime +
    w.latency * parts.latency +
    w.success * parts.success +
    w.diversity * parts.diversity;
  return { reputation: round(parts.age * quality), parts };
}

/** The most any viewer can have `ageMs` after its first session (for the first-hour bound). */
export function maxReputationAt(ageMs: number): number {
  return reputationOf(
    {
      firstSessionAt: 0,
      liveMs: ageMs,
      challengesPassed: Number.MAX_SAFE_INTEGER,
      challengesFailed: 0,
      challengesExpired: 0,
      receiptsVerified: Number.MAX_SAFE_INTEGER,
      deliveryMedianMs: 0,
      receiverNetworks: Number.MAX_SAFE_INTEGER,
    },
    ageMs,
  ).reputation;
}
