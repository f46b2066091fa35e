/**
 * Which viewers are payable now: the reputation half of a period close's test
 * (`economics/period-close.ts`: reputation at least `payableReputation`, `trust/`). The other
 * half, credit not frozen by a hold, is in each read's SQL. The leaderboards and the growth
 * funnel count a viewer's credit only when both hold, so neither shows a farm the close would
 * not pay.
 */
import type { Kysely } from 'kysely';
import type { CoordinatorConfig } from '../config/config.js';
import type { DB } from '../db/schema.js';
import { reputationsOf } from '../trust/viewer-reputation.js';

export interface PayableDeps {
  db: Kysely<DB>;
  config: Pick<CoordinatorConfig, 'payableReputation'>;
}

/** The ones of `viewerIds` whose reputation at `now` reaches `payableReputation`. */
export async function payableViewers(
  deps: PayableDeps,
  viewerIds: readonly string[],
  now: Date,
): Promise<Set<string>> {
  const reputations = await reputationsOf(deps.db, viewerIds, now);
  const payable = new Set<string>();
  for (const [id, r] of reputations) {
    if (r.reputation >= deps.config.payableReputation) payable.add(id);
  }
  return payable;
}
