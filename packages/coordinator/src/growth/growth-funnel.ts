/**
 * A streamer's growth funnel (decision 42): viewers → registered → engaged → supporters, each
 * stage the viewers of the range also in every stage before (`count`), beside the viewers
 * meeting the stage's own test alone (`total`), the conversion from each stage to the next, and
 * what the scope's share links brought (`growth-queries.ts` defines each set).
 */
import type { GrowthResponse, GrowthStage } from '@streamrp2p/protocol/api-schemas';
import { payableViewers, type PayableDeps } from '../leaderboards/payable.js';
import { referralFacts, stageFacts, type GrowthRange } from './growth-queries.js';

/** `part / whole`, or null when the whole is 0. */
export const rateOf = (part: number, whole: number): number | null =>
  whole === 0 ? null : part / whole;

/** The funnel's figures (the response without its ids and range). */
export type Funnel = Pick<GrowthResponse, 'stages' | 'overall_conversion' | 'referrals'>;

/**
 * The funnel of `range`, supporters payable by their reputation at `now`.
 *
 * @example
 * const funnel = await growthFunnel(ctx, { streamIds, from, to }, new Date());
 * funnel.stages[3]; // { stage: 'supporters', count, total, conversion }
 */
export async function growthFunnel(
  deps: PayableDeps,
  range: GrowthRange,
  now: Date,
): Promise<Funnel> {
  const [facts, referrals] = await Promise.all([
    stageFacts(deps.db, range),
    referralFacts(deps.db, range),
  ]);
  const payable = await payableViewers(
    deps,
    facts.served.map((s) => s.viewerId),
    now,
  );
  const supporters = facts.served.filter((s) => payable.has(s.viewerId));
  const counts: Array<[GrowthStage['stage'], number, number]> = [
    ['viewers', facts.viewers, facts.viewers],
    ['registered', facts.registered, facts.registered],
    ['engaged', facts.engaged, facts.engagedTotal],
    ['supporters', supporters.filter((s) => s.registered && s.engaged).length, supporters.length],
  ];
  const stages = counts.map(([stage, count, total], i) => ({
    stage,
    count,
    total,
    conversion: i === 0 ? null : rateOf(count, counts[i - 1]![1]),
  }));
  const existing = Math.max(0, facts.viewers - referrals.referred);
  return {
    stages,
    overall_conversion: rateOf(counts[3]![1], facts.viewers),
    referrals: {
      referred: referrals.referred,
      qualified: referrals.qualified,
      existing_viewers: existing,
      viral_coefficient: rateOf(referrals.referred, existing),
      referral_conversion: rateOf(referrals.qualified, referrals.referred),
    },
  };
}
