/**
 * Awarding points in one transaction: lock the viewer's balance row (serializing that viewer's
 * awards), apply the action's rule and the supporter multiplier, insert the history row and
 * update the balance together, so the history always sums to the balance.
 */
import {
  POINT_RATES,
  SUPPORTER_MULTIPLIER,
  type PointsAction,
  type PointsResponse,
} from '@streamrp2p/protocol';
import type { Transaction } from 'kysely';
import type { AppContext } from '../context.js';
import type { DB } from '../db/schema.js';
import { creditedSince } from '../receipts/credit-reads.js';
import { ACTION_COOLDOWN_SECONDS, pointsStatus, watchCredit } from './points-rules.js';

export interface PointsEvent {
  viewerId: string;
  streamId: string;
  streamerId: string;
  action: PointsAction;
  /** watch_time only. */
  durationSeconds: number | undefined;
  /** The session that sent it (required for watch_time). */
  sessionId: string | undefined;
  eventAt: Date;
}

export async function awardPoints(ctx: AppContext, event: PointsEvent): Promise<PointsResponse> {
  const now = new Date(ctx.clock());
  return ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('point_balances')
      .values({ viewer_id: event.viewerId, balance: 0, updated_at: now })
      .onConflict((oc) => oc.column('viewer_id').doNothing())
      .execute();
    const { balance } = await trx
      .selectFrom('point_balances')
      .select('balance')
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

    const base = await basePoints(trx, event, now);
    const awarded = base * multiplier;
    let newBalance = balance;
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
        })
        .execute();
      const updated = await trx
        .updateTable('point_balances')
        .set((eb) => ({ balance: eb('balance', '+', awarded), updated_at: now }))
        .where('viewer_id', '=', event.viewerId)
        .returning('balance')
        .executeTakeFirstOrThrow();
      newBalance = updated.balance;
      ctx.metrics.points.inc({ action: event.action }, awarded);
    }
    return {
      viewer_id: event.viewerId,
      awarded,
      balance: newBalance,
      multiplier,
      status: pointsStatus(newBalance),
    };
  });
}

/** Points before the multiplier, applying the action's own limit. */
async function basePoints(trx: Transaction<DB>, event: PointsEvent, now: Date): Promise<number> {
  const rate = POINT_RATES[event.action];
  switch (event.action) {
    case 'watch_time': {
      const session = await trx
        .selectFrom('sessions')
        .select(['created_at', 'watch_ms'])
        .where('id', '=', event.sessionId ?? '')
        // The lock an UPDATE of a non-key column takes: FOR UPDATE would also wait for every
        // foreign-key check on this session (challenge inserts; receipt inserts until migration
        // 002), and starved under receipt load.
        .forNoKeyUpdate()
        .executeTakeFirstOrThrow();
      const credit = watchCredit({
        sessionStartMs: session.created_at.getTime(),
        nowMs: now.getTime(),
        acceptedMs: session.watch_ms,
        claimedMs: (event.durationSeconds ?? 0) * 1000,
      });
      if (credit.acceptedMs > 0) {
        await trx
          .updateTable('sessions')
          .set((eb) => ({ watch_ms: eb('watch_ms', '+', credit.acceptedMs) }))
          .where('id', '=', event.sessionId ?? '')
          .execute();
      }
      return credit.minutes * rate;
    }
    case 'follow_streamer': {
      const followed = await trx
        .insertInto('follows')
        .values({ viewer_id: event.viewerId, streamer_id: event.streamerId, created_at: now })
        .onConflict((oc) => oc.columns(['viewer_id', 'streamer_id']).doNothing())
        .executeTakeFirst();
      return followed.numInsertedOrUpdatedRows === 1n ? rate : 0;
    }
    case 'chat_message':
    case 'share_stream': {
      const cooldown = ACTION_COOLDOWN_SECONDS[event.action] ?? 0;
      const recent = await trx
        .selectFrom('viewer_points')
        .select('id')
        .where('viewer_id', '=', event.viewerId)
        .where('stream_id', '=', event.streamId)
        .where('action', '=', event.action)
        .where('created_at', '>', new Date(now.getTime() - cooldown * 1000))
        .executeTakeFirst();
      return recent === undefined ? rate : 0;
    }
  }
}
