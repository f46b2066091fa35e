/**
 * Awarding points in one transaction: lock the viewer's balance row (serializing that viewer's
 * awards, watch-time budget included), apply the action's rules and the supporter multiplier,
 * insert the history row and update the balance together, so the history always sums to the
 * balance. An event that pays nothing answers `awarded: 0` and counts its reason in
 * `_points_refused_total`.
 */
import {
  POINT_RATES,
  SUPPORTER_MULTIPLIER,
  type PointsAction,
  type PointsResponse,
} from '@streamrp2p/protocol';
import { sql, type Transaction } from 'kysely';
import type { AppContext } from '../context.js';
import type { DB } from '../db/schema.js';
import { creditedSince } from '../receipts/credit-reads.js';
import { capRefusal } from './points-caps.js';
import { streamRefusal, type Earner } from './points-eligibility.js';
import {
  ACTION_COOLDOWN_SECONDS,
  pointsStatus,
  watchCredit,
  type PointsRefusal,
} from './points-rules.js';

export interface PointsEvent {
  viewerId: string;
  streamId: string;
  streamerId: string;
  action: PointsAction;
  /** watch_time only. */
  durationSeconds: number | undefined;
  /**
   * The live session of the viewer in the stream the event is earned from: the one that sent
   * it or, for an event the owner attests, the viewer's latest live session there. Undefined
   * when it has none: then nothing pays (`no_session`).
   */
  sessionId: string | undefined;
  eventAt: Date;
  /**
   * share_stream only: the referral whose new viewer the share brought (`referrals/`, decision
   * 43). A share pays only with one: a viewer's or owner's word that it shared pays nothing.
   */
  referralId?: string;
}

interface Balance {
  balance: number;
  watch_ms: number;
  watched_until: Date | null;
}

/** Base points (before the multiplier) and, when they are 0, why. */
interface Outcome {
  points: number;
  refusal?: PointsRefusal;
  addressKey: string;
}

export async function awardPoints(ctx: AppContext, event: PointsEvent): Promise<PointsResponse> {
  const now = new Date(ctx.clock());
  const result = await ctx.db.transaction().execute((trx) => awardPointsIn(ctx, trx, event, now));
  countAward(ctx, event.action, result);
  return result.response;
}

/** What {@link awardPointsIn} did: the answer, and why it paid nothing. */
export interface AwardOutcome {
  response: PointsResponse;
  refusal: PointsRefusal | undefined;
}

/**
 * {@link awardPoints} in the caller's transaction (a referral pays a share with its own writes):
 * count the outcome with {@link countAward} once that transaction has committed.
 */
export async function awardPointsIn(
  ctx: AppContext,
  trx: Transaction<DB>,
  event: PointsEvent,
  now: Date,
): Promise<AwardOutcome> {
  await trx
    .insertInto('point_balances')
    .values({ viewer_id: event.viewerId, balance: 0, updated_at: now })
    .onConflict((oc) => oc.column('viewer_id').doNothing())
    .execute();
  const balance = await trx
    .selectFrom('point_balances')
    .select(['balance', 'watch_ms', 'watched_until'])
    .where('viewer_id', '=', event.viewerId)
    .forUpdate()
    .executeTakeFirstOrThrow();

  // Credits still pending count too: a supporter is one from its first credited receipt.
  const supporter = await creditedSince(
    trx,
    event.viewerId,
    new Date(now.getTime() - ctx.config.supporterWindowSeconds * 1000),
  );
  const multiplier = supporter ? SUPPORTER_MULTIPLIER : 1;

  const outcome =
    event.action === 'watch_time'
      ? await watchPoints(trx, event, balance, now)
      : await actionPoints(ctx, trx, event, now);
  const awarded = outcome.points * multiplier;
  let newBalance = balance.balance;
  if (awarded > 0) {
    await trx
      .insertInto('viewer_points')
      .values({
        viewer_id: event.viewerId,
        stream_id: event.streamId,
        action: event.action,
        points: awarded,
        multiplier,
        duration_seconds: event.durationSeconds ?? null,
        session_id: event.sessionId ?? null,
        event_at: event.eventAt,
        created_at: now,
        address_key: outcome.addressKey,
      })
      .execute();
    const updated = await trx
      .updateTable('point_balances')
      .set((eb) => ({ balance: eb('balance', '+', awarded), updated_at: now }))
      .where('viewer_id', '=', event.viewerId)
      .returning('balance')
      .executeTakeFirstOrThrow();
    newBalance = updated.balance;
  }
  const response: PointsResponse = {
    viewer_id: event.viewerId,
    awarded,
    balance: newBalance,
    multiplier,
    status: pointsStatus(newBalance),
  };
  return { response, refusal: outcome.refusal };
}

/** Counts an award once committed, so a rolled-back attempt counts nothing. */
export function countAward(ctx: AppContext, action: PointsAction, outcome: AwardOutcome): void {
  if (outcome.response.awarded > 0) ctx.metrics.points.inc({ action }, outcome.response.awarded);
  if (outcome.refusal !== undefined)
    ctx.metrics.pointsRefused.inc({ action, reason: outcome.refusal });
}

/**
 * Watch time against the viewer's budget (`watchCredit`): the balance row, locked, carries how
 * far the viewer's accepted time reaches; the session keeps its own total for its summary.
 */
async function watchPoints(
  trx: Transaction<DB>,
  event: PointsEvent,
  balance: Balance,
  now: Date,
): Promise<Outcome> {
  const session = await trx
    .selectFrom('sessions')
    .select(['created_at', 'address_key'])
    .where('id', '=', event.sessionId ?? '')
    // The lock an UPDATE of a non-key column takes: FOR UPDATE would also wait for every
    // foreign-key check on this session (challenge inserts; receipt inserts until migration
    // 002), and starved under receipt load.
    .forNoKeyUpdate()
    .executeTakeFirstOrThrow();
  const credit = watchCredit({
    sessionStartMs: session.created_at.getTime(),
    nowMs: now.getTime(),
    watchedUntilMs: balance.watched_until?.getTime(),
    acceptedMs: balance.watch_ms,
    claimedMs: (event.durationSeconds ?? 0) * 1000,
  });
  if (credit.acceptedMs > 0) {
    await trx
      .updateTable('sessions')
      .set((eb) => ({ watch_ms: eb('watch_ms', '+', credit.acceptedMs) }))
      .where('id', '=', event.sessionId ?? '')
      .execute();
    await trx
      .updateTable('point_balances')
      .set((eb) => ({
        watch_ms: eb('watch_ms', '+', credit.acceptedMs),
        watched_until: new Date(credit.watchedUntilMs ?? now.getTime()),
      }))
      .where('viewer_id', '=', event.viewerId)
      .execute();
  }
  const refused = credit.acceptedMs === 0 && (event.durationSeconds ?? 0) > 0;
  return {
    points: credit.minutes * POINT_RATES.watch_time,
    addressKey: session.address_key,
    ...(refused ? { refusal: 'wall_clock' as const } : {}),
  };
}

/**
 * Chat, follow and share: the action's own limit (cooldown, once per streamer), the viewer's
 * watch time in the stream, then the stream's rules (not the owner's own, a real audience), then
 * the daily caps.
 */
async function actionPoints(
  ctx: AppContext,
  trx: Transaction<DB>,
  event: PointsEvent,
  now: Date,
): Promise<Outcome> {
  const refuse = (refusal: PointsRefusal, addressKey = ''): Outcome => ({
    points: 0,
    refusal,
    addressKey,
  });
  if (event.action === 'share_stream' && event.referralId === undefined)
    return refuse('referral_only');
  if (await alreadyDone(trx, event, now)) {
    return refuse(event.action === 'follow_streamer' ? 'already_followed' : 'cooldown');
  }
  const session =
    event.sessionId === undefined
      ? undefined
      : await trx
          .selectFrom('sessions')
          .select(['address_key', 'network_key', 'public_key'])
          .where('id', '=', event.sessionId)
          .executeTakeFirst();
  if (session === undefined) return refuse('no_session');
  if ((await watchedMs(trx, event)) < ctx.config.pointsMinWatchSeconds * 1000)
    return refuse('not_watching', session.address_key);
  const owner = await trx
    .selectFrom('streamers')
    .select(['id', 'address_key', 'network_key'])
    .where('id', '=', event.streamerId)
    .executeTakeFirstOrThrow();
  const earner: Earner = {
    viewerId: event.viewerId,
    addressKey: session.address_key,
    networkKey: session.network_key,
    publicKey: session.public_key,
  };
  const refusal =
    (await streamRefusal(
      trx,
      event.streamId,
      earner,
      { streamerId: owner.id, addressKey: owner.address_key, networkKey: owner.network_key },
      {
        liveSince: new Date(now.getTime() - ctx.config.sessionTtlSeconds * 1000),
        minAudience: ctx.config.pointsMinAudience,
      },
    )) ??
    (await capRefusal(trx, ctx.config, {
      viewerId: event.viewerId,
      addressKey: session.address_key,
      action: event.action,
      now,
    }));
  if (refusal !== undefined) return refuse(refusal, session.address_key);
  if (event.action === 'follow_streamer') {
    // An owner's attestation records the follow too (the viewer's own route already did).
    await trx
      .insertInto('follows')
      .values({ viewer_id: event.viewerId, streamer_id: event.streamerId, created_at: now })
      .onConflict((oc) => oc.columns(['viewer_id', 'streamer_id']).doNothing())
      .execute();
  }
  return { points: POINT_RATES[event.action], addressKey: session.address_key };
}

/** Watch time accepted for the viewer in the stream, over its sessions there, ms. */
async function watchedMs(trx: Transaction<DB>, event: PointsEvent): Promise<number> {
  const { watched } = await trx
    .selectFrom('sessions')
    .select(sql<number>`coalesce(sum(watch_ms), 0)::int8`.as('watched'))
    .where('viewer_id', '=', event.viewerId)
    .where('stream_id', '=', event.streamId)
    .executeTakeFirstOrThrow();
  return watched;
}

/**
 * Whether the viewer was ever paid for following the streamer (in any of its streams: once per
 * streamer ever, so unfollowing and following again pays nothing; the balance row's lock makes
 * concurrent follows see each other), chatted anywhere within the chat cooldown, or shared this
 * stream within the share cooldown.
 */
async function alreadyDone(trx: Transaction<DB>, event: PointsEvent, now: Date): Promise<boolean> {
  if (event.action === 'follow_streamer') {
    const paid = await trx
      .selectFrom('viewer_points')
      .innerJoin('streams', 'streams.id', 'viewer_points.stream_id')
      .select('viewer_points.id')
      .where('viewer_points.viewer_id', '=', event.viewerId)
      .where('viewer_points.action', '=', 'follow_streamer')
      .where('streams.streamer_id', '=', event.streamerId)
      .executeTakeFirst();
    return paid !== undefined;
  }
  const cooldown = ACTION_COOLDOWN_SECONDS[event.action] ?? 0;
  let recent = trx
    .selectFrom('viewer_points')
    .select('id')
    .where('viewer_id', '=', event.viewerId)
    .where('action', '=', event.action)
    .where('created_at', '>', new Date(now.getTime() - cooldown * 1000));
  if (event.action !== 'chat_message') recent = recent.where('stream_id', '=', event.streamId);
  return (await recent.executeTakeFirst()) !== undefined;
}
