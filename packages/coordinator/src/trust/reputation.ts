/**
 * Reputation: one number 0..1 per viewer, the weighted sum of four named parts, each normalised
 * to 0..1. It is the one definition credit payability (and later the economics) rests on, so
 * every constant is here and in the README:
 *
 *   uptime     = min(1, live time / 2 h)        live time: the union of the viewer's sessions'
 *                                               [created_at, ended_at or last_seen_at] intervals
 *   age        = min(1, time since the first session / 4 h)
 *   challenges = passed / (passed + 3 x (failed + expired unanswered) + 2)
 *   diversity  = min(1, receiver networks / 5)  distinct `network_key`s of sessions that credited
 *                                               the viewer, its own networks excluded
 *   reputation = 0.35 uptime + 0.25 age + 0.25 challenges + 0.15 diversity
 *
 * New viewers start at 0. Challenges and diversity can be earned fast (together at most 0.4);
 * uptime and age only with the wall clock, and uptime never exceeds age. So within one hour of
 * its first session no viewer, whatever it does, exceeds 0.4 + 0.35/2 + 0.25/4 = 0.6375, below
 * the 0.7 payable threshold; a flawless one reaches 0.7 after 1 h 16 min, an honest supporter
 * with a few passed challenges and receivers on a network or two after 2 to 4 h.
 */
import type { ReputationParts } from '@streamrp2p/protocol';

const HOUR_MS = 3_600_000;

/** Weight of each part; they sum to 1. Issue 11 adds parts (latency, success) here. */
export const REPUTATION_WEIGHTS: Readonly<ReputationParts> = Object.freeze({
  uptime: 0.35,
  challenges: 0.25,
  diversity: 0.15,
  age: 0.25,
});

/** How each part is normalised. */
export const REPUTATION_SCALES = Object.freeze({
  /** Live time that gives a full uptime part. */
  uptimeFullMs: 2 * HOUR_MS,
  /** Time since the first session that gives a full age part. */
  ageFullMs: 4 * HOUR_MS,
  /** Distinct receiver networks that give a full diversity part. */
  diversityFullNetworks: 5,
  /** A failed or expired challenge counts this many times a pass. */
  challengeFailWeight: 3,
  /** Passes a newcomer is short of: 0 challenges score 0, 2 passes 0.5. */
  challengePrior: 2,
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

/**
 * The reputation of a viewer at `nowMs`.
 *
 * @example
 * reputationOf({ firstSessionAt: now - 3_600_000, liveMs: 3_600_000, challengesPassed: 0,
 *   challengesFailed: 0, challengesExpired: 0, receiverNetworks: 0 }, now).reputation; // 0.2375
 */
export function reputationOf(facts: ReputationFacts, nowMs: number): Reputation {
  const s = REPUTATION_SCALES;
  const ageMs = facts.firstSessionAt === undefined ? 0 : Math.max(0, nowMs - facts.firstSessionAt);
  const failures = facts.challengesFailed + facts.challengesExpired;
  const parts: ReputationParts = {
    uptime: round(unit(Math.min(facts.liveMs, ageMs) / s.uptimeFullMs)),
    challenges: round(
      unit(
        facts.challengesPassed /
          (facts.challengesPassed + s.challengeFailWeight * failures + s.challengePrior),
      ),
    ),
    diversity: round(unit(facts.receiverNetworks / s.diversityFullNetworks)),
    age: round(unit(ageMs / s.ageFullMs)),
  };
  const w = REPUTATION_WEIGHTS;
  const reputation =
    w.uptime * parts.uptime +
    w.challenges * parts.challenges +
    w.diversity * parts.diversity +
    w.age * parts.age;
  return { reputation: round(reputation), parts };
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
      receiverNetworks: Number.MAX_SAFE_INTEGER,
    },
    ageMs,
  ).reputation;
}
