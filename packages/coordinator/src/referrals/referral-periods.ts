/**
 * The referral rules a period close applies, inside its transaction (`economics/period-close.ts`):
 *
 * - the supporter boost: a viewer with a `referrer_boost` or `referee_boost` reward whose window
 *   holds the period's end earns 10% more (`earningsOf`'s `referralBoost`, still under the
 *   monthly cap);
 * - supporter referrals: a referee with a line in the period (its first payable credit) qualifies
 *   its pending `supporter` referral, and both sides get the boost for the 30 days after the
 *   period's end;
 * - streamer referrals: the viewer whose code a streamer signed up with is paid 1% of the period's
 *   revenue out of the platform's fee, as one ledger transaction keyed by referral and period.
 *
 * A close runs once per period under the global close lock; the reward rows' unique key and the
 * ledger's idempotency key make each payment once even so.
 */
import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { PLATFORM_FEES, supporterAccount } from '../ledger/accounts.js';
import { postTransaction } from '../ledger/ledger.js';
import { uuid } from '../util/crypto.js';
import { lockPending, settle } from './qualify-referrals.js';
import {
  networkTaken,
  sameOwnerRefusal,
  STREAMER_SHARE_PPM,
  streamerTraits,
  SUPPORTER_BOOST,
  SUPPORTER_BOOST_DAYS,
  viewerTraits,
} from './referral-rules.js';

const DAY_MS = 86_400_000;
/** Viewer ids per `in (...)` list. */
const IDS_PER_QUERY = 5000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += IDS_PER_QUERY) out.push(items.slice(i, i + IDS_PER_QUERY));
  return out;
}

/**
 * The boost each of `viewerIds` earns in a period ending at `endsAt`: {@link SUPPORTER_BOOST}
 * for a viewer with a boost whose window `(boost_from, boost_until]` holds `endsAt`, else absent.
 * Boosts do not stack.
 */
export async function referralBoosts(
  trx: Transaction<DB>,
  viewerIds: readonly string[],
  endsAt: Date,
): Promise<Map<string, number>> {
  const boosts = new Map<string, number>();
  for (const ids of chunks(viewerIds)) {
    const rows = await trx
      .selectFrom('referral_rewards')
      .select('viewer_id')
      .distinct()
      .where('viewer_id', 'in', ids)
      .where('kind', 'in', ['referrer_boost', 'referee_boost'])
      .where('boost_from', '<', endsAt)
      .where('boost_until', '>=', endsAt)
      .execute();
    for (const r of rows) boosts.set(r.viewer_id, SUPPORTER_BOOST);
  }
  return boosts;
}

/**
 * Qualifies the pending `supporter` referrals of the period's supporters (`supporterIds`: those
 * with a line, i.e. payable credit) and starts both boosts at `endsAt`. Answers how many
 * qualified.
 */
export async function qualifySupporters(
  trx: Transaction<DB>,
  supporterIds: readonly string[],
  endsAt: Date,
  now: Date,
): Promise<number> {
  let qualified = 0;
  for (const ids of chunks(supporterIds)) {
    const pending = await trx
      .selectFrom('referrals')
      .select('id')
      .where('kind', '=', 'supporter')
      .where('referee_viewer_id', 'in', ids)
      .where('qualified_at', 'is', null)
      .where('refusal', 'is', null)
      .execute();
    for (const { id } of pending) {
      const r = await lockPending(trx, id);
      if (r === undefined) continue;
      const referee = r.referee_viewer_id ?? '';
      const refusal =
        (await sameOwnerRefusal(trx, r.referrer_viewer_id, await viewerTraits(trx, referee))) ??
        (await networkTaken(trx, {
          id: r.id,
          kind: r.kind,
          referrerViewerId: r.referrer_viewer_id,
          networkKey: r.referee_network_key,
        }));
      if (refusal !== undefined) {
        await settle(trx, r.id, now, refusal);
        continue;
      }
      const until = new Date(endsAt.getTime() + SUPPORTER_BOOST_DAYS * DAY_MS);
      await trx
        .insertInto('referral_rewards')
        .values(
          [
            { kind: 'referrer_boost' as const, viewerId: r.referrer_viewer_id },
            { kind: 'referee_boost' as const, viewerId: referee },
          ].map((b) => ({
            id: uuid(),
            referral_id: r.id,
            kind: b.kind,
            scope: '',
            viewer_id: b.viewerId,
            points: null,
            amount_micros: null,
            boost_from: endsAt,
            boost_until: until,
            created_at: now,
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
      await settle(trx, r.id, now);
      qualified++;
    }
  }
  return qualified;
}

/** The closed period a streamer referral is paid from. */
export interface ClosedPeriodFigures {
  periodId: string;
  streamId: string;
  streamerId: string;
  revenueMicros: number;
  platformFeeMicros: number;
  currency: string;
}

/**
 * Pays the referrer of the period's streamer 1% of the period's revenue (at most the platform's
 * fee, which funds it): a `referral_rewards` row scoped to the period and a balanced `referral`
 * ledger transaction. A referrer seen on a network the streamer signed up or signed in from is
 * the streamer itself: the referral is refused for good. Answers the amount paid (0 if none).
 */
export async function payStreamerReferral(
  trx: Transaction<DB>,
  period: ClosedPeriodFigures,
  now: Date,
): Promise<number> {
  const r = await trx
    .selectFrom('referrals')
    .selectAll()
    .where('kind', '=', 'streamer')
    .where('referee_streamer_id', '=', period.streamerId)
    .where('refusal', 'is', null)
    .forUpdate()
    .executeTakeFirst();
  if (r === undefined) return 0;
  const refusal = await sameOwnerRefusal(
    trx,
    r.referrer_viewer_id,
    await streamerTraits(trx, period.streamerId),
  );
  if (refusal !== undefined) {
    await settle(trx, r.id, now, refusal);
    return 0;
  }
  const share = Number((BigInt(period.revenueMicros) * BigInt(STREAMER_SHARE_PPM)) / 1_000_000n);
  const amount = Math.min(share, period.platformFeeMicros);
  if (amount <= 0) return 0;
  const reward = await trx
    .insertInto('referral_rewards')
    .values({
      id: uuid(),
      referral_id: r.id,
      kind: 'streamer_revenue',
      scope: period.periodId,
      viewer_id: r.referrer_viewer_id,
      points: null,
      amount_micros: amount,
      created_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  if (reward === undefined) return 0;
  await postTransaction(
    trx,
    {
      kind: 'referral',
      idempotencyKey: `referral:${r.id}:${period.periodId}`,
      currency: period.currency,
      postings: [
        { account: PLATFORM_FEES, amountMicros: amount },
        { account: supporterAccount(r.referrer_viewer_id), amountMicros: -amount },
      ],
      periodId: period.periodId,
      memo: `1% of period ${period.periodId} of stream ${period.streamId}: streamer referral ${r.id}`,
    },
    now,
  );
  if (r.qualified_at === null) {
    await trx.updateTable('referrals').set({ qualified_at: now }).where('id', '=', r.id).execute();
  }
  return amount;
}
