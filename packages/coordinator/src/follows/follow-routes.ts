/**
 * Follows (issue 13, decision 39): a viewer follows a stream's streamer and unfollows it, with
 * its own session secret (`authenticateViewer`); the first follow of a streamer ever pays
 * `follow_streamer` points through `awardPoints`, earned from that session when it is live in
 * the stream, under every points rule (own stream, audience, caps). Unfollowing and following
 * again pays nothing: the points history remembers. The follower count is public.
 */
import {
  FollowPath,
  FollowRequest,
  StreamPath,
  ViewerPath,
  type FollowResponse,
  type FollowsResponse,
  type StreamFollowersResponse,
} from '@streamrp2p/protocol/api-schemas';
import { Router } from 'express';
import type { AppContext } from '../context.js';
import * as validate from '../http/validate.js';
import { awardPoints } from '../points/award-points.js';
import { authenticateViewer, isLive } from '../sessions/session-auth.js';
import { findLiveStream } from '../streams/stream-store.js';
import { nowDate } from '../util/clock.js';
import { follow, followedStreamers, followerCount } from './follow-store.js';

const viewerPath = validate.path(ViewerPath);
const followPath = validate.path(FollowPath);
const streamPath = validate.path(StreamPath);
const followBody = validate.body(FollowRequest);

export function followRoutes(ctx: AppContext): Router {
  const router = Router();

  router.post('/api/viewers/:viewerId/follows', async (req, res) => {
    const { viewerId } = viewerPath.parse(req.params);
    const { streamId } = followBody.parse(req.body);
    const session = await authenticateViewer(ctx, req, viewerId);
    const stream = await findLiveStream(ctx, streamId);
    const now = nowDate(ctx.clock);
    const followedAt = await follow(ctx.db, viewerId, stream.streamer_id, now);
    // Earned from the session that asked, while it watches this stream; else `no_session`.
    const earning = isLive(ctx, session) && session.stream_id === stream.id;
    const points = await awardPoints(ctx, {
      viewerId,
      streamId: stream.id,
      streamerId: stream.streamer_id,
      action: 'follow_streamer',
      durationSeconds: undefined,
      sessionId: earning ? session.id : undefined,
      eventAt: now,
    });
    const response: FollowResponse = {
      streamerId: stream.streamer_id,
      followedAt: followedAt.toISOString(),
      awarded: points.awarded,
      balance: points.balance,
      status: points.status,
      followers: await followerCount(ctx.db, stream.streamer_id),
    };
    res.json(response);
  });

  router.delete('/api/viewers/:viewerId/follows/:streamerId', async (req, res) => {
    const { viewerId, streamerId } = followPath.parse(req.params);
    await authenticateViewer(ctx, req, viewerId);
    await ctx.db
      .deleteFrom('follows')
      .where('viewer_id', '=', viewerId)
      .where('streamer_id', '=', streamerId)
      .execute();
    res.status(204).end();
  });

  router.get('/api/viewers/:viewerId/follows', async (req, res) => {
    const { viewerId } = viewerPath.parse(req.params);
    await authenticateViewer(ctx, req, viewerId);
    const response: FollowsResponse = { follows: await followedStreamers(ctx.db, viewerId) };
    res.set('Cache-Control', 'no-store').json(response);
  });

  router.get('/api/streams/:streamId/followers', async (req, res) => {
    const { streamId } = streamPath.parse(req.params);
    const stream = await findLiveStream(ctx, streamId);
    const response: StreamFollowersResponse = {
      streamId,
      streamerId: stream.streamer_id,
      followers: await followerCount(ctx.db, stream.streamer_id),
    };
    res.json(response);
  });

  return router;
}
