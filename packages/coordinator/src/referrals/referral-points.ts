/** Crediting a referral's points: a history row and the balance, together, as awards do. */
import type { Transaction } from 'kysely';
import { sql } from 'kysely';
import type { DB } from '../db/schema.js';
import { REFERRAL_BONUS_ACTION, REFERRAL_POINT_ACTIONS } from './referral-rules.js';

/**
 * Adds `points` to each viewer's balance with a `referral_bonus` history row. Balance rows are
 * locked in viewer id order, so two referrals crediting the same pair never deadlock.
 */
export async function creditReferralPoints(
  trx: Transaction<DB>,
  credits: readonly { viewerId: string; points: number; addressKey: string }[],
  streamId: string,
  now: Date,
): Promise<void> {
  const sorted = [...credits].sort((a, b) => (a.viewerId < b.viewerId ? -1 : 1));
  for (const credit of sorted) {
    await trx
      .insertInto('point_balances')
      .values({ viewer_id: credit.viewerId, balance: 0, updated_at: now })
      .onConflict((oc) => oc.column('viewer_id').doNothing())
      .execute();
    await trx
      .selectFrom('point_balances')
      .select('balance')
      .where('viewer_id', '=', credit.viewerId)
      .forUpdate()
      .executeTakeFirstOrThrow();
  }
  for (const credit of sorted) {
    await trx
      .insertInto('viewer_points')
      .values({
        viewer_id: credit.viewerId,
        stream_id: streamId,
        action: REFERRAL_BONUS_ACTION,
        points: credit.points,
        multiplier: 1,
        duration_seconds: null,
        session_id: null,
        event_at: now,
        created_at: now,
        address_key: credit.addressKey,
      })
      .execute();
    await trx
      .updateTable('point_balances')
      .set((eb) => ({ balance: eb('balance', '+', credit.points), updated_at: now }))
      .where('viewer_id', '=', credit.viewerId)
      .execute();
  }
}

/** The viewer's points of its own: every award but referral bonuses and shares. */
export async function ownPoints(trx: Transaction<DB>, viewerId: string): Promise<number> {
  const { total } = await trx
    .selectFrom('viewer_points')
    .select(sql<number>`coalesce(sum(points), 0)::int8`.as('total'))
    .where('viewer_id', '=', viewerId)
    .where('action', 'not in', [...REFERRAL_POINT_ACTIONS])
    .executeTakeFirstOrThrow();
  return total;
}
