/**
 * `GET /api/streams/:streamId/community` (no auth): what the player's community feed shows:
 * the goals that count the stream with their progress, its newest events, its squad's size.
 * Every figure is stored (the community job writes goal progress), so a poll is three indexed
 * reads; the answer is the same for every viewer and cacheable for a few seconds.
 */
import { StreamPath, type StreamCommunityResponse } from '@streamrp2p/protocol/api-schemas';
import { Router } from 'express';
import type { AppContext } from '../context.js';
import * as validate from '../http/validate.js';
import { findLiveStream } from '../streams/stream-store.js';
import { nowDate } from '../util/clock.js';
import { recentEvents } from './community-store.js';
import { goalRoutes } from './goal-routes.js';
import { feedGoals, toGoalResponse } from './goals.js';
import { squadRoutes } from './squad-routes.js';
import { squadSize } from './squads.js';

const streamPath = validate.path(StreamPath);

/** Seconds a feed answer may be reused by browsers and proxies. */
export const FEED_MAX_AGE_SECONDS = 10;

function feedRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/api/streams/:streamId/community', async (req, res) => {
    const { streamId } = streamPath.parse(req.params);
    const stream = await findLiveStream(ctx, streamId);
    const now = nowDate(ctx.clock);
    const [goals, events, members] = await Promise.all([
      feedGoals(ctx.db, stream, now),
      recentEvents(ctx.db, streamId),
      squadSize(ctx.db, stream.streamer_id),
    ]);
    const response: StreamCommunityResponse = {
      streamId,
      streamerId: stream.streamer_id,
      currency: ctx.config.currency,
      goals: goals.map((g) => toGoalResponse(g, ctx.config.currency, now)),
      events,
      squad: { members },
    };
    res.set('Cache-Control', `public, max-age=${FEED_MAX_AGE_SECONDS}`).json(response);
  });

  return router;
}

/** The community's routes: the player's feed, the streamer's goals, the squads. */
export function communityRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use(feedRoutes(ctx), goalRoutes(ctx), squadRoutes(ctx));
  return router;
}
