/**
 * `GET /api/streamers/:streamerId/growth` (decision 42): the streamer's growth funnel over
 * `[from, to)`, of one stream or all its streams; its own API key or studio session only, as the
 * supporter analytics (`analytics/analytics-routes.ts`). An answer is reused 30 s per scope and
 * range.
 */
import { GrowthQuery, StreamerPath, type GrowthResponse } from '@streamrp2p/protocol/api-schemas';
import { Router } from 'express';
import type { AppContext } from '../context.js';
import { parseIsoTime } from '../economics/iso-time.js';
import { ownStreamIds } from '../economics/stream-access.js';
import { ApiError } from '../errors.js';
import * as validate from '../http/validate.js';
import { SupporterCountCache } from '../rewards/supporter-count.js';
import { growthFunnel, type Funnel } from './growth-funnel.js';

const growthPath = validate.path(StreamerPath);
const growthQuery = validate.query(GrowthQuery);

/** The longest range one answer covers. */
export const MAX_GROWTH_RANGE_DAYS = 366;
/**
 * How long a funnel is reused for the same scope and range: it reads every viewer of the range
 * (about 2 s for 20,000 viewers on PostgreSQL), and the studio asks again on each visit.
 */
export const GROWTH_CACHE_MS = 30_000;

export function growthRoutes(ctx: AppContext): Router {
  const router = Router();
  const cache = new SupporterCountCache<Funnel>(GROWTH_CACHE_MS, 1000);

  router.get('/api/streamers/:streamerId/growth', async (req, res) => {
    const { streamerId } = growthPath.parse(req.params);
    const query = growthQuery.parse(req.query);
    const from = parseIsoTime(query.from, 'query.from');
    const to = parseIsoTime(query.to, 'query.to');
    if (to.getTime() <= from.getTime()) {
      throw new ApiError('VALIDATION_ERROR', 'query.to must be after query.from');
    }
    if (to.getTime() - from.getTime() > MAX_GROWTH_RANGE_DAYS * 86_400_000) {
      throw new ApiError(
        'VALIDATION_ERROR',
        `query.from to query.to must span at most ${MAX_GROWTH_RANGE_DAYS} days`,
      );
    }
    const streamIds = await ownStreamIds(ctx, req, streamerId, query.streamId, 'growth');
    const now = ctx.clock();
    const key = `${streamerId}:${query.streamId ?? '*'}:${from.toISOString()}:${to.toISOString()}`;
    const funnel = await cache.get(key, now, () =>
      growthFunnel(ctx, { streamIds, from, to }, new Date(now)),
    );
    const body: GrowthResponse = {
      streamer_id: streamerId,
      stream_id: query.streamId ?? null,
      from: from.toISOString(),
      to: to.toISOString(),
      ...funnel,
    };
    res.json(body);
  });

  return router;
}
