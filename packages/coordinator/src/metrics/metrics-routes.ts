/** `GET /api/streams/:streamId/metrics`: a stream's time series, for its owner. */
import type { MetricsResponse } from '@streamrp2p/protocol';
import { MetricsQuery, StreamPath } from '@streamrp2p/protocol/api-schemas';
import { Router } from 'express';
import type { AppContext } from '../context.js';
import { parseIsoTime } from '../economics/iso-time.js';
import { accessStream } from '../economics/stream-access.js';
import * as validate from '../http/validate.js';
import { readSeries, seriesRange } from './series.js';

const metricsPath = validate.path(StreamPath);
const metricsQuery = validate.query(MetricsQuery);

export function metricsRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/api/streams/:streamId/metrics', async (req, res) => {
    const { streamId } = metricsPath.parse(req.params);
    const query = metricsQuery.parse(req.query);
    const from = parseIsoTime(query.from, 'query.from');
    const to = parseIsoTime(query.to, 'query.to');
    const range = seriesRange(from, to, query.step);
    await accessStream(ctx, req, streamId, { admin: false });
    const body: MetricsResponse = {
      streamId,
      step: range.step,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      points: await readSeries(ctx.db, [streamId], range),
    };
    res.json(body);
  });

  return router;
}
