/**
 * `GET /api/viewers/:viewerId/statements` and `/earnings` (a session secret of the viewer) and
 * `GET /api/streamers/:streamerId/statements` (the streamer's API key); statements as JSON or,
 * with `format=csv`, as a CSV download.
 */
import { StatementQuery, StreamerPath, ViewerPath } from '@streamrp2p/protocol/api-schemas';
import { Router, type Response } from 'express';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { authenticateStreamer } from '../http/auth.js';
import * as validate from '../http/validate.js';
import { authenticateViewer } from '../sessions/session-auth.js';
import { nowDate } from '../util/clock.js';
import { optionalIsoTime } from './iso-time.js';
import {
  streamerStatement,
  streamerStatementCsv,
  supporterStatement,
  supporterStatementCsv,
  viewerEarnings,
  type TimeRange,
} from './statements.js';

const viewerPath = validate.path(ViewerPath);
const streamerPath = validate.path(StreamerPath);
const statementQuery = validate.query(StatementQuery);

function sendCsv(res: Response, filename: string, csv: string): void {
  res
    .status(200)
    .set('Content-Type', 'text/csv; charset=utf-8')
    .set('Content-Disposition', `attachment; filename="${filename}"`)
    .send(csv);
}

const rangeOf = (query: { from?: string; to?: string }): TimeRange => ({
  from: optionalIsoTime(query.from, 'query.from'),
  to: optionalIsoTime(query.to, 'query.to'),
});

export function statementRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/api/viewers/:viewerId/statements', async (req, res) => {
    const { viewerId } = viewerPath.parse(req.params);
    const query = statementQuery.parse(req.query);
    await authenticateViewer(ctx, req, viewerId);
    const statement = await supporterStatement(ctx.db, ctx.config, viewerId, rangeOf(query));
    if (query.format === 'csv') {
      sendCsv(res, `statement-supporter-${viewerId}.csv`, supporterStatementCsv(statement));
    } else res.json(statement);
  });

  router.get('/api/viewers/:viewerId/earnings', async (req, res) => {
    const { viewerId } = viewerPath.parse(req.params);
    await authenticateViewer(ctx, req, viewerId);
    res.json(await viewerEarnings(ctx.db, ctx.config, viewerId, nowDate(ctx.clock)));
  });

  router.get('/api/streamers/:streamerId/statements', async (req, res) => {
    const { streamerId } = streamerPath.parse(req.params);
    const query = statementQuery.parse(req.query);
    const streamer = await authenticateStreamer(ctx, req);
    if (streamer.id !== streamerId) {
      throw new ApiError('FORBIDDEN', 'only the streamer may read its statements');
    }
    const statement = await streamerStatement(ctx.db, ctx.config, streamerId, rangeOf(query));
    if (query.format === 'csv') {
      sendCsv(res, `statement-streamer-${streamerId}.csv`, streamerStatementCsv(statement));
    } else res.json(statement);
  });

  return router;
}
