/**
 * `GET /api/streamers/:streamerId/supporter-analytics`: what the streamer's supporters did for
 * its streams (decision 33), snake_case as the product names it. The streamer's own API key only.
 */
import type { SupporterAnalyticsResponse } from '@streamrp2p/protocol';
import { StreamerPath, SupporterAnalyticsQuery } from '@streamrp2p/protocol/api-schemas';
import { Router } from 'express';
import type { AppContext } from '../context.js';
import { parseIsoTime } from '../economics/iso-time.js';
import { ownStreamIds } from '../economics/stream-access.js';
import * as validate from '../http/validate.js';
import { readSeries, seriesRange, seriesTotals } from '../metrics/series.js';
import {
  currentSupporters,
  streamerPayouts,
  streamerPeriods,
  topSupporters,
} from './analytics-queries.js';

const analyticsPath = validate.path(StreamerPath);
const analyticsQuery = validate.query(SupporterAnalyticsQuery);

/** Bytes x micro-units per GB / 1e9, floored, in BigInt (the product can pass 2^53). */
export function costSavedMicros(bytes: number, microsPerGb: number): number {
  return Number((BigInt(bytes) * BigInt(microsPerGb)) / 1_000_000_000n);
}

export function analyticsRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/api/streamers/:streamerId/supporter-analytics', async (req, res) => {
    const { streamerId } = analyticsPath.parse(req.params);
    const query = analyticsQuery.parse(req.query);
    const from = parseIsoTime(query.from, 'query.from');
    const to = parseIsoTime(query.to, 'query.to');
    const range = seriesRange(from, to, query.step ?? 'day');
    const streamIds = await ownStreamIds(ctx, req, streamerId, query.streamId, 'analytics');
    const liveSince = new Date(ctx.clock() - ctx.config.sessionTtlSeconds * 1000);
    const [current, top, series, periods, payouts] = await Promise.all([
      currentSupporters(ctx.db, streamIds, liveSince),
      topSupporters(ctx.db, ctx.pseudonymSalt, streamIds, from, to),
      readSeries(ctx.db, streamIds, range),
      streamerPeriods(ctx.db, streamerId, from, to, query.streamId),
      streamerPayouts(ctx.db, streamerId, from, to),
    ]);
    const { p2p, cdn } = seriesTotals(series);
    const body: SupporterAnalyticsResponse = {
      streamer_id: streamerId,
      from: from.toISOString(),
      to: to.toISOString(),
      currency: ctx.config.currency,
      current_supporters: current,
      total_bandwidth_saved: p2p,
      estimated_cost_savings: costSavedMicros(p2p, ctx.config.cdnCostMicrosPerGb),
      p2p_vs_cdn_ratio: p2p + cdn === 0 ? null : p2p / (p2p + cdn),
      top_supporters: top,
      time_series: series,
      periods,
      payouts,
    };
    res.json(body);
  });

  return router;
}
