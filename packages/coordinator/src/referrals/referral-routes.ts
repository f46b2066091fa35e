/**
 * `GET /api/viewers/:viewerId/referrals` (a verified session secret of the viewer): its code and
 * its referrals as referrer and referee, with their status and what they paid it.
 * `GET /api/streamers/:streamerId/referrals` (the streamer's API key or studio session): its
 * code, the streamers that signed up with it, and whose code it signed up with.
 */
import {
  REFERRAL_QUERY_PARAM,
  StreamerPath,
  ViewerPath,
  type StreamerReferralsResponse,
  type ViewerReferral,
  type ViewerReferralsResponse,
} from '@streamrp2p/protocol/api-schemas';
import { Router } from 'express';
import type { Selectable } from 'kysely';
import type { AppContext } from '../context.js';
import type { ReferralRewardsTable, ReferralsTable } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { authenticateStreamer } from '../http/auth.js';
import * as validate from '../http/validate.js';
import { authenticateViewer } from '../sessions/session-auth.js';
import { nowDate } from '../util/clock.js';
import { referralCodeOf } from './referral-codes.js';

const viewerPath = validate.path(ViewerPath);
const streamerPath = validate.path(StreamerPath);
/** Rows listed at most per answer. */
export const MAX_LISTED = 200;

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

function status(r: Selectable<ReferralsTable>): ViewerReferral['status'] {
  if (r.refusal !== null) return 'refused';
  return r.qualified_at === null ? 'pending' : 'qualified';
}

function toViewerReferral(
  r: Selectable<ReferralsTable>,
  viewerId: string,
  rewards: readonly Selectable<ReferralRewardsTable>[],
): ViewerReferral {
  return {
    kind: r.kind,
    role: r.referrer_viewer_id === viewerId ? 'referrer' : 'referee',
    status: status(r),
    streamId: r.stream_id,
    refusal: r.refusal,
    createdAt: r.created_at.toISOString(),
    qualifiedAt: iso(r.qualified_at),
    rewards: rewards
      .filter((w) => w.referral_id === r.id && w.viewer_id === viewerId)
      .map((w) => ({
        kind: w.kind,
        points: w.points,
        amountMicros: w.amount_micros,
        boostUntil: iso(w.boost_until),
        createdAt: w.created_at.toISOString(),
      })),
  };
}

export function referralRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/api/viewers/:viewerId/referrals', async (req, res) => {
    const { viewerId } = viewerPath.parse(req.params);
    await authenticateViewer(ctx, req, viewerId);
    const code = await referralCodeOf(ctx.db, { kind: 'viewer', viewerId }, nowDate(ctx.clock));
    const referrals = await ctx.db
      .selectFrom('referrals')
      .selectAll()
      .where((eb) =>
        eb.or([eb('referrer_viewer_id', '=', viewerId), eb('referee_viewer_id', '=', viewerId)]),
      )
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(MAX_LISTED)
      .execute();
    const rewards =
      referrals.length === 0
        ? []
        : await ctx.db
            .selectFrom('referral_rewards')
            .selectAll()
            .where(
              'referral_id',
              'in',
              referrals.map((r) => r.id),
            )
            .where('viewer_id', '=', viewerId)
            .orderBy('created_at')
            .execute();
    const response: ViewerReferralsResponse = {
      viewerId,
      code,
      queryParam: REFERRAL_QUERY_PARAM,
      referrals: referrals.map((r) => toViewerReferral(r, viewerId, rewards)),
    };
    res.set('Cache-Control', 'no-store').json(response);
  });

  router.get('/api/streamers/:streamerId/referrals', async (req, res) => {
    const { streamerId } = streamerPath.parse(req.params);
    const streamer = await authenticateStreamer(ctx, req);
    if (streamer.id !== streamerId) {
      throw new ApiError('FORBIDDEN', 'only the streamer may read its referrals');
    }
    const code = await referralCodeOf(ctx.db, { kind: 'streamer', streamerId }, nowDate(ctx.clock));
    const referred = await ctx.db
      .selectFrom('streamer_referrals as sr')
      .innerJoin('streamers as s', 's.id', 'sr.referee_streamer_id')
      .select(['s.id', 's.name', 'sr.created_at'])
      .where('sr.referrer_streamer_id', '=', streamerId)
      .orderBy('sr.created_at', 'desc')
      .orderBy('s.id')
      .limit(MAX_LISTED)
      .execute();
    const byViewer = await ctx.db
      .selectFrom('referrals')
      .select('id')
      .where('kind', '=', 'streamer')
      .where('referee_streamer_id', '=', streamerId)
      .executeTakeFirst();
    const byStreamer = await ctx.db
      .selectFrom('streamer_referrals')
      .select('referrer_streamer_id')
      .where('referee_streamer_id', '=', streamerId)
      .executeTakeFirst();
    const paid =
      byViewer === undefined
        ? 0
        : Number(
            (
              await ctx.db
                .selectFrom('referral_rewards')
                .select((eb) =>
                  eb.fn.coalesce(eb.fn.sum<number>('amount_micros'), eb.lit(0)).as('paid'),
                )
                .where('referral_id', '=', byViewer.id)
                .executeTakeFirstOrThrow()
            ).paid,
          );
    const response: StreamerReferralsResponse = {
      streamerId,
      code,
      referredStreamers: referred.map((r) => ({
        streamerId: r.id,
        name: r.name,
        createdAt: r.created_at.toISOString(),
      })),
      referredBy: {
        kind: byViewer !== undefined ? 'viewer' : byStreamer !== undefined ? 'streamer' : 'none',
        revenueShareMicros: paid,
      },
    };
    res.set('Cache-Control', 'no-store').json(response);
  });

  return router;
}
