/**
 * `GET /api/streams/:streamId/supporters` (no auth): the stream's supporter count, which the
 * player's "become a supporter" call to action shows (decision 37). Cached 60 s per stream.
 */
import { StreamPath, type StreamSupportersResponse } from '@streamrp2p/protocol/api-schemas';
import { Router } from 'express';
import type { AppContext } from '../context.js';
import * as validate from '../http/validate.js';
import { findLiveStream } from '../streams/stream-store.js';
import { nowDate } from '../util/clock.js';
import { countSupporters, SUPPORTER_WINDOW_DAYS, SupporterCountCache } from './supporter-count.js';

const streamPath = validate.path(StreamPath);
const CACHE_MS = 60_000;

export function rewardsRoutes(ctx: AppContext): Router {
  const router = Router();
  const cache = new SupporterCountCache(CACHE_MS);

  router.get('/api/streams/:streamId/supporters', async (req, res) => {
    const { streamId } = streamPath.parse(req.params);
    await findLiveStream(ctx, streamId);
    const now = nowDate(ctx.clock);
    const since = new Date(now.getTime() - SUPPORTER_WINDOW_DAYS * 24 * 3600 * 1000);
    const supporters = await cache.get(streamId, now.getTime(), () =>
      countSupporters(ctx.db, streamId, since),
    );
    const response: StreamSupportersResponse = {
      streamId,
      supporters,
      windowDays: SUPPORTER_WINDOW_DAYS,
    };
    res.set('Cache-Control', `public, max-age=${CACHE_MS / 1000}`).json(response);
  });

  return router;
}
