/**
 * Periods: `POST /api/streams/:streamId/periods` (owner or admin) closes one, `GET` lists a
 * stream's (owner), `GET .../periods/:periodId` shows one with its supporter lines (owner), and
 * `POST /api/admin/periods` closes every stream with something to settle before `endsAt`.
 */
import {
  ClosePeriodRequest,
  PeriodPath,
  StreamPath,
  type AdminClosePeriodsResponse,
  type PeriodDetailResponse,
  type PeriodResponse,
  type PeriodsResponse,
  type PeriodSupporterLine,
} from '@streamrp2p/protocol/api-schemas';
import type { ReputationParts } from '@streamrp2p/protocol';
import { Router } from 'express';
import { sql, type Selectable } from 'kysely';
import type { AppContext } from '../context.js';
import type { PeriodSupportersTable } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { requireAdmin } from '../http/auth.js';
import { publicNames } from '../leaderboards/pseudonyms.js';
import { viewerKey } from '../privacy/pseudonyms.js';
import * as validate from '../http/validate.js';
import { parseIsoTime } from './iso-time.js';
import { closePeriod, MIN_END_AGE_MS, type PeriodRow } from './period-close.js';
import { accessStream } from './stream-access.js';

const streamPath = validate.path(StreamPath);
const periodPath = validate.path(PeriodPath);
const closeBody = validate.body(ClosePeriodRequest);

/** Periods listed at most per request, newest first. */
export const MAX_PERIODS_LISTED = 500;

/** The API's view of a period. */
export function toPeriodResponse(row: PeriodRow): PeriodResponse {
  return {
    periodId: row.id,
    streamId: row.stream_id,
    streamerId: row.streamer_id,
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at.toISOString(),
    closedAt: row.closed_at.toISOString(),
    currency: row.currency,
    revenueMicros: row.revenue_micros,
    platformFeeMicros: row.platform_fee_micros,
    cdnSavedMicros: row.cdn_saved_micros,
    rebateMicros: row.rebate_micros,
    poolFormulaMicros: row.pool_formula_micros,
    poolMicros: row.pool_micros,
    streamerMicros: row.streamer_micros,
    p2pBytes: row.p2p_bytes,
    payableChunks: row.payable_chunks,
    supporters: row.supporters,
    policy: JSON.parse(row.policy) as Record<string, unknown>,
  };
}

/**
 * The API's view of a supporter line: the supporter by pseudonym under `salt` and its public
 * name (`names`), never its viewer id (decision 46).
 */
export function toSupporterLine(
  row: Selectable<PeriodSupportersTable>,
  salt: string,
  names: ReadonlyMap<string, string>,
): PeriodSupporterLine {
  return {
    viewerKey: viewerKey(salt, row.viewer_id),
    name: names.get(row.viewer_id) ?? '',
    bytes: row.bytes,
    chunks: row.chunks,
    receipts: row.receipts,
    reputation: row.reputation,
    reputationParts: JSON.parse(row.parts) as ReputationParts,
    baseMicros: row.base_micros,
    uptimeBonus: row.uptime_bonus,
    qosMultiplier: row.qos_multiplier,
    capMicros: row.cap_micros,
    earningsMicros: row.earnings_micros,
    amountMicros: row.amount_micros,
    referralBoost: row.referral_boost,
  };
}

export function periodRoutes(ctx: AppContext): Router {
  const router = Router();

  router.post('/api/streams/:streamId/periods', async (req, res) => {
    const { streamId } = streamPath.parse(req.params);
    const { endsAt } = closeBody.parse(req.body);
    await accessStream(ctx, req, streamId, { admin: true });
    const closed = await closePeriod(ctx, streamId, parseIsoTime(endsAt, 'body.endsAt'));
    res.status(closed.created ? 201 : 200).json(toPeriodResponse(closed.period));
  });

  router.get('/api/streams/:streamId/periods', async (req, res) => {
    const { streamId } = streamPath.parse(req.params);
    await accessStream(ctx, req, streamId, { admin: false });
    const rows = await ctx.db
      .selectFrom('periods')
      .selectAll()
      .where('stream_id', '=', streamId)
      .orderBy('ends_at', 'desc')
      .limit(MAX_PERIODS_LISTED)
      .execute();
    const response: PeriodsResponse = { periods: rows.map(toPeriodResponse) };
    res.json(response);
  });

  router.get('/api/streams/:streamId/periods/:periodId', async (req, res) => {
    const { streamId, periodId } = periodPath.parse(req.params);
    await accessStream(ctx, req, streamId, { admin: false });
    const period = await ctx.db
      .selectFrom('periods')
      .selectAll()
      .where('id', '=', periodId)
      .where('stream_id', '=', streamId)
      .executeTakeFirst();
    if (period === undefined) throw new ApiError('PERIOD_NOT_FOUND', `no period ${periodId}`);
    const lines = await ctx.db
      .selectFrom('period_supporters')
      .selectAll()
      .where('period_id', '=', periodId)
      .orderBy('amount_micros', 'desc')
      .orderBy('viewer_id')
      .execute();
    const names = await publicNames(
      ctx.db,
      ctx.pseudonymSalt,
      lines.map((l) => l.viewer_id),
    );
    const response: PeriodDetailResponse = {
      ...toPeriodResponse(period),
      supporterLines: lines.map((line) => toSupporterLine(line, ctx.pseudonymSalt, names)),
    };
    res.json(response);
  });

  router.post('/api/admin/periods', async (req, res) => {
    const { endsAt: text } = closeBody.parse(req.body);
    requireAdmin(ctx, req);
    const endsAt = parseIsoTime(text, 'body.endsAt');
    if (endsAt.getTime() > ctx.clock() - MIN_END_AGE_MS) {
      throw new ApiError('PERIOD_NOT_ENDED', 'endsAt must be at least a minute in the past');
    }
    // Streams with receipts since their last closed end, credit deferred by an earlier close,
    // or unsettled revenue, before the end.
    const { rows } = await sql<{ stream_id: string }>`
      select s.id as stream_id from streams s
      where exists (
          select 1 from receipts r
          where r.stream_id = s.id and r.credited_at < ${endsAt}
            and r.credited_at >= coalesce(
              (select max(p.ends_at) from periods p where p.stream_id = s.id), s.created_at))
        or exists (
          select 1 from settlement_marks m
          where m.stream_id = s.id
            and m.settled_through < (select max(p.ends_at) from periods p where p.stream_id = s.id)
            and m.settled_through < ${endsAt})
      union
      select stream_id from revenue_events where period_id is null and occurred_at < ${endsAt}
      order by stream_id`.execute(ctx.db);
    const response: AdminClosePeriodsResponse = { endsAt: endsAt.toISOString(), results: [] };
    // One at a time: every close takes the one global lock anyway.
    for (const { stream_id: streamId } of rows) {
      try {
        const closed = await closePeriod(ctx, streamId, endsAt);
        response.results.push({
          streamId,
          status: closed.created ? 'closed' : 'existing',
          periodId: closed.period.id,
        });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        response.results.push({ streamId, status: 'failed', error: error.toBody().error });
      }
    }
    res.json(response);
  });

  return router;
}
