/**
 * `POST /api/streams/:streamId/revenue` (owner or admin) records revenue;
 * `GET /api/streams/:streamId/revenue?from&to` (owner) lists it.
 */
import {
  RecordRevenueRequest,
  StreamPath,
  TimeRangeQuery,
  type RevenueEventsResponse,
} from '@streamrp2p/protocol/api-schemas';
import { Router } from 'express';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import * as validate from '../http/validate.js';
import { nowDate } from '../util/clock.js';
import { optionalIsoTime } from './iso-time.js';
import { listRevenue, recordRevenue, toRevenueResponse } from './revenue.js';
import { accessStream } from './stream-access.js';

const streamPath = validate.path(StreamPath);
const revenueBody = validate.body(RecordRevenueRequest);
const rangeQuery = validate.query(TimeRangeQuery);

export function revenueRoutes(ctx: AppContext): Router {
  const router = Router();

  router.post('/api/streams/:streamId/revenue', async (req, res) => {
    const { streamId } = streamPath.parse(req.params);
    const body = revenueBody.parse(req.body);
    const stream = await accessStream(ctx, req, streamId, { admin: true });
    if (stream.deleted_at !== null) throw new ApiError('STREAM_NOT_FOUND', `no stream ${streamId}`);
    const { event, created } = await recordRevenue(
      ctx.db,
      ctx.config.currency,
      {
        streamId,
        streamerId: stream.streamer_id,
        kind: body.kind,
        amountMicros: body.amountMicros,
        currency: body.currency,
        occurredAt: optionalIsoTime(body.occurredAt, 'body.occurredAt'),
        idempotencyKey: body.idempotencyKey,
        note: body.note,
      },
      nowDate(ctx.clock),
    );
    res.status(created ? 201 : 200).json(toRevenueResponse(event));
  });

  router.get('/api/streams/:streamId/revenue', async (req, res) => {
    const { streamId } = streamPath.parse(req.params);
    const query = rangeQuery.parse(req.query);
    await accessStream(ctx, req, streamId, { admin: false });
    const events = await listRevenue(ctx.db, streamId, {
      from: optionalIsoTime(query.from, 'query.from'),
      to: optionalIsoTime(query.to, 'query.to'),
    });
    const response: RevenueEventsResponse = { events: events.map(toRevenueResponse) };
    res.json(response);
  });

  return router;
}
