/**
 * Paying a new viewer's `share` and `viewer` referrals once their conditions are met: the share
 * when the referee has watched the stream for `pointsMinWatchSeconds` (50 points to the sharer,
 * through the points rules: cooldown of a day per stream, daily caps, never the stream's owner,
 * only before an audience), the viewer referral when the referee has earned 100 points of its
 * own (500 to each). Checked after each points award of the referee (`points-routes.ts`).
 *
 * Exactly once: each referral is settled in a transaction that holds its referrer's advisory
 * lock and its row's lock and re-reads it; the reward rows' unique key backs that up.
 */
import createDebug from 'debug';
import { sql, type Transaction } from 'kysely';
import type { AppContext } from '../context.js';
import type { DB, ReferralsTable } from '../db/schema.js';
import type { Selectable } from 'kysely';
import { awardPointsIn, countAward, type AwardOutcome } from '../points/award-points.js';
import { nowDate } from '../util/clock.js';
import { uuid } from '../util/crypto.js';
import { creditReferralPoints, ownPoints } from './referral-points.js';
import {
  networkTaken,
  REFEREE_OWN_POINTS,
  sameOwnerRefusal,
  VIEWER_REFERRAL_POINTS,
  viewerTraits,
} from './referral-rules.js';

const log = createDebug('streamrp2p:coordinator:referrals');

type ReferralRow = Selectable<ReferralsTable>;

/**
 * The first key of the two-key advisory lock that serialises one referrer's qualifications (the
 * second is the referrer id's hash), so its one-referee-per-network rule holds under concurrency.
 * 'SPRF' in ASCII.
 */
const REFERRER_LOCK_CLASS = 0x53505246;

/**
 * Locks the referral for settling: its referrer's lock, then its row. Answers the row if it is
 * still pending (neither qualified nor refused), else undefined.
 */
export async function lockPending(
  trx: Transaction<DB>,
  referralId: string,
): Promise<ReferralRow | undefined> {
  const peek = await trx
    .selectFrom('referrals')
    .select('referrer_viewer_id')
    .where('id', '=', referralId)
    .executeTakeFirst();
  if (peek === undefined) return undefined;
  await sql`select pg_advisory_xact_lock(${REFERRER_LOCK_CLASS}::int4, hashtext(${peek.referrer_viewer_id}))`.execute(
    trx,
  );
  const row = await trx
    .selectFrom('referrals')
    .selectAll()
    .where('id', '=', referralId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return row.qualified_at === null && row.refusal === null ? row : undefined;
}

/** Marks a referral qualified at `now`, refused when `refusal` is given. */
export async function settle(
  trx: Transaction<DB>,
  referralId: string,
  now: Date,
  refusal?: string,
): Promise<void> {
  await trx
    .updateTable('referrals')
    .set({ qualified_at: refusal === undefined ? now : null, refusal: refusal ?? null })
    .where('id', '=', referralId)
    .execute();
}

/** Records one reward; false when it was already recorded (nothing to pay again). */
export async function recordReward(
  trx: Transaction<DB>,
  reward: {
    referralId: string;
    kind: 'share_points' | 'referrer_points' | 'referee_points';
    viewerId: string;
    points: number;
  },
  now: Date,
): Promise<boolean> {
  const inserted = await trx
    .insertInto('referral_rewards')
    .values({
      id: uuid(),
      referral_id: reward.referralId,
      kind: reward.kind,
      scope: '',
      viewer_id: reward.viewerId,
      points: reward.points,
      amount_micros: null,
      created_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Watch time accepted for the viewer in the stream, over its sessions there, ms. */
async function watchedInStream(
  trx: Transaction<DB>,
  viewerId: string,
  streamId: string,
): Promise<number> {
  const { watched } = await trx
    .selectFrom('sessions')
    .select(sql<number>`coalesce(sum(watch_ms), 0)::int8`.as('watched'))
    .where('viewer_id', '=', viewerId)
    .where('stream_id', '=', streamId)
    .executeTakeFirstOrThrow();
  return watched;
}

/** Whether the referral's condition is met now. */
async function conditionMet(ctx: AppContext, trx: Transaction<DB>, r: ReferralRow) {
  const referee = r.referee_viewer_id ?? '';
  if (r.kind === 'share') {
    const watched = await watchedInStream(trx, referee, r.stream_id ?? '');
    return watched >= ctx.config.pointsMinWatchSeconds * 1000;
  }
  return (await ownPoints(trx, referee)) >= REFEREE_OWN_POINTS;
}

/** Pays the sharer through the points rules; the referral is refused with their refusal. */
async function payShare(
  ctx: AppContext,
  trx: Transaction<DB>,
  r: ReferralRow,
  now: Date,
): Promise<AwardOutcome> {
  const streamId = r.stream_id ?? '';
  const stream = await trx
    .selectFrom('streams')
    .select('streamer_id')
    .where('id', '=', streamId)
    .executeTakeFirstOrThrow();
  // The sharer earns from its latest session in the stream, live or not: it shared, then left.
  const session = await trx
    .selectFrom('sessions')
    .select('id')
    .where('viewer_id', '=', r.referrer_viewer_id)
    .where('stream_id', '=', streamId)
    .orderBy('last_seen_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const outcome = await awardPointsIn(
    ctx,
    trx,
    {
      viewerId: r.referrer_viewer_id,
      streamId,
      streamerId: stream.streamer_id,
      action: 'share_stream',
      durationSeconds: undefined,
      sessionId: session?.id,
      eventAt: now,
      referralId: r.id,
    },
    now,
  );
  const points = outcome.response.awarded;
  if (points > 0) {
    await recordReward(
      trx,
      { referralId: r.id, kind: 'share_points', viewerId: r.referrer_viewer_id, points },
      now,
    );
  }
  await settle(trx, r.id, now, points > 0 ? undefined : (outcome.refusal ?? 'no_points'));
  return outcome;
}

/** Pays 500 points to each of referrer and referee. */
async function payViewerReferral(trx: Transaction<DB>, r: ReferralRow, now: Date): Promise<void> {
  const referee = r.referee_viewer_id ?? '';
  const rewards = [
    { kind: 'referrer_points' as const, viewerId: r.referrer_viewer_id, addressKey: '' },
    { kind: 'referee_points' as const, viewerId: referee, addressKey: r.referee_address_key },
  ];
  const credits = [];
  for (const reward of rewards) {
    const fresh = await recordReward(
      trx,
      {
        referralId: r.id,
        kind: reward.kind,
        viewerId: reward.viewerId,
        points: VIEWER_REFERRAL_POINTS,
      },
      now,
    );
    if (fresh) credits.push({ ...reward, points: VIEWER_REFERRAL_POINTS });
  }
  await creditReferralPoints(trx, credits, r.stream_id ?? '', now);
  await settle(trx, r.id, now);
}

/** What settling one referral did. */
export interface Settled {
  referralId: string;
  kind: ReferralRow['kind'];
  status: 'qualified' | 'refused';
  refusal?: string;
}

/**
 * Settles the referral if its condition is met: refused for a referrer and referee that look
 * like one person (checked again over every session the referee has had since it arrived) or a
 * network that already brought this referrer a referee; else paid. Undefined when it was not
 * pending or its condition is not met yet.
 */
export async function qualifyReferral(
  ctx: AppContext,
  referralId: string,
): Promise<Settled | undefined> {
  const now = nowDate(ctx.clock);
  let share: AwardOutcome | undefined;
  const settled = await ctx.db.transaction().execute(async (trx) => {
    const r = await lockPending(trx, referralId);
    if (r === undefined || !(await conditionMet(ctx, trx, r))) return undefined;
    const refusal =
      (await sameOwnerRefusal(
        trx,
        r.referrer_viewer_id,
        await viewerTraits(trx, r.referee_viewer_id ?? ''),
      )) ??
      (await networkTaken(trx, {
        id: r.id,
        kind: r.kind,
        referrerViewerId: r.referrer_viewer_id,
        networkKey: r.referee_network_key,
      }));
    if (refusal !== undefined) {
      await settle(trx, r.id, now, refusal);
      return { referralId, kind: r.kind, status: 'refused' as const, refusal };
    }
    if (r.kind === 'share') {
      share = await payShare(ctx, trx, r, now);
      const paid = share.response.awarded > 0;
      return {
        referralId,
        kind: r.kind,
        status: paid ? ('qualified' as const) : ('refused' as const),
        ...(paid ? {} : { refusal: share.refusal ?? 'no_points' }),
      };
    }
    await payViewerReferral(trx, r, now);
    return { referralId, kind: r.kind, status: 'qualified' as const };
  });
  if (share !== undefined) countAward(ctx, 'share_stream', share);
  if (settled !== undefined) log('referral %s %s: %s', settled.kind, referralId, settled.status);
  return settled;
}

/**
 * Settles the viewer's pending `share` and `viewer` referrals as referee whose conditions are
 * met. Cheap when it has none (one indexed read), so it runs after every award.
 */
export async function qualifyReferee(ctx: AppContext, viewerId: string): Promise<Settled[]> {
  const pending = await ctx.db
    .selectFrom('referrals')
    .select('id')
    .where('referee_viewer_id', '=', viewerId)
    .where('kind', 'in', ['share', 'viewer'])
    .where('qualified_at', 'is', null)
    .where('refusal', 'is', null)
    .execute();
  const settled: Settled[] = [];
  for (const { id } of pending) {
    const done = await qualifyReferral(ctx, id);
    if (done !== undefined) settled.push(done);
  }
  return settled;
}
