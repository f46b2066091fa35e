/**
 * Which viewers are payable now: the reputation half of a period close's test
 * (`economics/period-close.ts`: reputation at least `payableReputation`, `trust/`). The other
 * half, credit not frozen by a hold, is in each read's SQL. The leaderboards and the growth
 * funnel count a viewer's credit only when both hold, so neither shows a farm the close would
 * not pay.
 *
 * Reputations are read in one statement per call (`reputationsOf`) and remembered five minutes
 * per database: they move over hours, and the nine boards of a stream and its funnel ask about
 * the same supporters, each read costing a scan of the viewer's receipts (200 of them took 1.1 s
 * on PostgreSQL and 8.6 s on PGlite with 1,000,000 receipts, `bench/studio/growth.ts`).
 */
import type { Kysely } from 'kysely';
import type { CoordinatorConfig } from '../config/config.js';
import type { DB } from '../db/schema.js';
import { reputationsOf } from '../trust/viewer-reputation.js';

export interface PayableDeps {
  db: Kysely<DB>;
  config: Pick<CoordinatorConfig, 'payableReputation'>;
}

/** How long a reputation read here is reused. */
export const REPUTATION_MEMO_MS = 300_000;
/** Reputations remembered at most per database (the oldest go first). */
const MEMO_ENTRIES = 100_000;

const memos = new WeakMap<Kysely<DB>, Map<string, { at: number; reputation: number }>>();

/** The reputation at about `now` of each of `viewerIds`: remembered ones, the rest read. */
async function reputationsAt(
  db: Kysely<DB>,
  viewerIds: readonly string[],
  now: Date,
): Promise<Map<string, number>> {
  let memo = memos.get(db);
  if (memo === undefined) memos.set(db, (memo = new Map()));
  const t = now.getTime();
  const out = new Map<string, number>();
  const unknown: string[] = [];
  for (const id of new Set(viewerIds)) {
    const hit = memo.get(id);
    if (hit !== undefined && t >= hit.at && t - hit.at < REPUTATION_MEMO_MS) {
      out.set(id, hit.reputation);
    } else unknown.push(id);
  }
  if (unknown.length === 0) return out;
  for (const [id, r] of await reputationsOf(db, unknown, now)) {
    out.set(id, r.reputation);
    memo.delete(id);
    memo.set(id, { at: t, reputation: r.reputation });
  }
  for (const id of memo.keys()) {
    if (memo.size <= MEMO_ENTRIES) break;
    memo.delete(id);
  }
  return out;
}

/** The ones of `viewerIds` whose reputation at `now` reaches `payableReputation`. */
export async function payableViewers(
  deps: PayableDeps,
  viewerIds: readonly string[],
  now: Date,
): Promise<Set<string>> {
  const payable = new Set<string>();
  for (const [id, reputation] of await reputationsAt(deps.db, viewerIds, now)) {
    if (reputation >= deps.config.payableReputation) payable.add(id);
  }
  return payable;
}
