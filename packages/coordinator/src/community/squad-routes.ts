/**
 * A streamer's support squad: viewers join and leave with a session secret of their own
 * (`authenticateViewer`), anyone reads the squad's figures, the streamer and the members read
 * the join notifications. A viewer's own squad routes live under `/api/viewers/:viewerId`, as
 * its other authenticated reads do.
 */
import {
  JoinSquadRequest,
  SquadMemberPath,
  StreamerPath,
  type SquadMembershipResponse,
  type SquadNotificationsResponse,
  type SquadStatsResponse,
} from '@streamrp2p/protocol/api-schemas';
import { Router } from 'express';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { authenticateStreamer } from '../http/auth.js';
import * as validate from '../http/validate.js';
import { SupporterCountCache } from '../rewards/supporter-count.js';
import { authenticateViewer } from '../sessions/session-auth.js';
import { findLiveStream } from '../streams/stream-store.js';
import { nowDate } from '../util/clock.js';
import { joinSquad, leaveSquad, membership, squadNotifications, squadStats } from './squads.js';

const streamerPath = validate.path(StreamerPath);
const memberPath = validate.path(SquadMemberPath);
const joinBody = validate.body(JoinSquadRequest);

/** How long the public squad figures are remembered (reputation reads cost per member). */
const STATS_CACHE_MS = 30_000;

async function streamerExists(ctx: AppContext, streamerId: string): Promise<void> {
  const row = await ctx.db
    .selectFrom('streamers')
    .select('id')
    .where('id', '=', streamerId)
    .executeTakeFirst();
  if (row === undefined) throw new ApiError('NOT_FOUND', `no streamer ${streamerId}`);
}

export function squadRoutes(ctx: AppContext): Router {
  const router = Router();
  const statsCache = new SupporterCountCache<SquadStatsResponse>(STATS_CACHE_MS);
  const membershipOf = (streamerId: string, viewerId: string, joinedAt: Date | undefined) =>
    ({
      streamerId,
      viewerId,
      member: joinedAt !== undefined,
      joinedAt: joinedAt === undefined ? null : joinedAt.toISOString(),
    }) satisfies SquadMembershipResponse;

  router.get('/api/streamers/:streamerId/squad', async (req, res) => {
    const { streamerId } = streamerPath.parse(req.params);
    await streamerExists(ctx, streamerId);
    const now = nowDate(ctx.clock);
    const stats = await statsCache.get(streamerId, now.getTime(), () =>
      squadStats(ctx.db, ctx.config, streamerId, now),
    );
    res.set('Cache-Control', `public, max-age=${STATS_CACHE_MS / 1000}`).json(stats);
  });

  router.get('/api/streamers/:streamerId/squad/notifications', async (req, res) => {
    const { streamerId } = streamerPath.parse(req.params);
    const streamer = await authenticateStreamer(ctx, req);
    if (streamer.id !== streamerId) {
      throw new ApiError(
        'FORBIDDEN',
        "only the streamer itself may read its squad's notifications",
      );
    }
    const response: SquadNotificationsResponse = {
      notifications: await squadNotifications(ctx.db, streamerId),
    };
    res.json(response);
  });

  router.get('/api/viewers/:viewerId/squads/:streamerId', async (req, res) => {
    const { streamerId, viewerId } = memberPath.parse(req.params);
    await authenticateViewer(ctx, req, viewerId);
    res.json(membershipOf(streamerId, viewerId, await membership(ctx.db, streamerId, viewerId)));
  });

  router.post('/api/viewers/:viewerId/squads/:streamerId', async (req, res) => {
    const { streamerId, viewerId } = memberPath.parse(req.params);
    const { streamId } = joinBody.parse(req.body);
    await authenticateViewer(ctx, req, viewerId);
    const stream = await findLiveStream(ctx, streamId);
    if (stream.streamer_id !== streamerId) {
      throw new ApiError('STREAM_NOT_FOUND', `streamer ${streamerId} has no stream ${streamId}`);
    }
    const result = await joinSquad(ctx.db, ctx.community, stream, viewerId, nowDate(ctx.clock));
    if (result.announced) ctx.metrics.communityEvents.inc({ kind: 'squad_joined' });
    res.status(result.joined ? 201 : 200).json(membershipOf(streamerId, viewerId, result.joinedAt));
  });

  router.delete('/api/viewers/:viewerId/squads/:streamerId', async (req, res) => {
    const { streamerId, viewerId } = memberPath.parse(req.params);
    await authenticateViewer(ctx, req, viewerId);
    await leaveSquad(ctx.db, streamerId, viewerId);
    res.json(membershipOf(streamerId, viewerId, undefined));
  });

  router.get('/api/viewers/:viewerId/squads/:streamerId/notifications', async (req, res) => {
    const { streamerId, viewerId } = memberPath.parse(req.params);
    await authenticateViewer(ctx, req, viewerId);
    const joinedAt = await membership(ctx.db, streamerId, viewerId);
    if (joinedAt === undefined) {
      throw new ApiError('FORBIDDEN', "only the squad's members read its notifications");
    }
    const response: SquadNotificationsResponse = {
      notifications: await squadNotifications(ctx.db, streamerId, joinedAt),
    };
    res.json(response);
  });

  return router;
}
