/**
 * `POST /api/viewers/points` (the product's snake_case contract) and
 * `GET /api/viewers/:viewerId/points`.
 *
 * Auth: `watch_time` needs the bearer secret of a live session of that viewer in that stream.
 * Other actions need either such a session or the API key of the stream's owner (a site's
 * backend attesting a chat message or follow); either way they are earned from the viewer's
 * live session in the stream, and pay nothing without one. `share_stream` asked for here pays
 * nothing: a share pays when its link brings a new viewer (`referrals/`, decision 43).
 */
import type { PointsAction, PointsBalanceResponse } from '@streamrp2p/protocol';
import { MAX_HEARTBEAT_SECONDS, PointsRequest, ViewerPath } from '@streamrp2p/protocol/api-schemas';
import { Router, type Request } from 'express';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { bearerToken, streamerByKey } from '../http/auth.js';
import * as validate from '../http/validate.js';
import { viewerCreditedBytes } from '../receipts/credit-reads.js';
import { isLive, touchSession } from '../sessions/session-auth.js';
import { findLiveStream, type StreamRow } from '../streams/stream-store.js';
import { hashSecret } from '../util/crypto.js';
import { qualifyReferee } from '../referrals/qualify-referrals.js';
import { awardPoints } from './award-points.js';
import { pointsStatus } from './points-rules.js';

const pointsBody = validate.body(PointsRequest);
const viewerPath = validate.path(ViewerPath);

/** The event's time; a text the schema let through must still parse as a date. */
function eventTime(raw: string | number): Date {
  const time = typeof raw === 'number' ? raw : Date.parse(raw);
  if (!Number.isFinite(time) || time < 0) {
    throw new ApiError(
      'VALIDATION_ERROR',
      'body.timestamp must be an ISO time or Unix milliseconds',
    );
  }
  return new Date(time);
}

/**
 * The viewer's most recently seen live session in the stream: what an event the owner attests
 * is earned from (its address and key are what the points rules read).
 */
async function latestLiveSession(
  ctx: AppContext,
  viewerId: string,
  streamId: string,
): Promise<string | undefined> {
  const session = await ctx.db
    .selectFrom('sessions')
    .select('id')
    .where('viewer_id', '=', viewerId)
    .where('stream_id', '=', streamId)
    .where('ended_at', 'is', null)
    .where('last_seen_at', '>=', new Date(ctx.clock() - ctx.config.sessionTtlSeconds * 1000))
    .orderBy('last_seen_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return session?.id;
}

/**
 * Who may earn points for this viewer: a live session of the viewer in the stream, or (not for
 * watch time) the stream's owner, for the viewer's live session there. Returns that session.
 */
async function authorize(
  ctx: AppContext,
  req: Request,
  viewerId: string,
  stream: StreamRow,
  action: PointsAction,
): Promise<string | undefined> {
  const token = bearerToken(req);
  const hash = hashSecret(token);
  const session = await ctx.db
    .selectFrom('sessions')
    .selectAll()
    .where('secret_hash', '=', hash)
    .executeTakeFirst();
  if (session !== undefined) {
    if (!isLive(ctx, session))
      throw new ApiError('SESSION_EXPIRED', 'the session has ended or expired; create a new one');
    if (session.viewer_id !== viewerId || session.stream_id !== stream.id) {
      throw new ApiError('FORBIDDEN', 'this session belongs to another viewer or stream');
    }
    await touchSession(ctx, session.id);
    return session.id;
  }
  if (action !== 'watch_time') {
    const owner = await streamerByKey(ctx, token);
    if (owner?.id === stream.streamer_id) return latestLiveSession(ctx, viewerId, stream.id);
    if (owner !== undefined)
      throw new ApiError('FORBIDDEN', 'only the stream owner may attest points');
  }
  throw new ApiError('UNAUTHORIZED', 'a live session secret of this viewer is required');
}

export function pointsRoutes(ctx: AppContext): Router {
  const router = Router();

  router.post('/api/viewers/points', async (req, res) => {
    const body = pointsBody.parse(req.body);
    const { viewer_id: viewerId, stream_id: streamId, action } = body;
    if (action === 'watch_time' && body.duration_seconds === undefined) {
      throw new ApiError(
        'VALIDATION_ERROR',
        `body.duration_seconds must be a number in 0..${MAX_HEARTBEAT_SECONDS}`,
      );
    }
    const durationSeconds = action === 'watch_time' ? body.duration_seconds : undefined;
    const eventAt = eventTime(body.timestamp);
    const stream = await findLiveStream(ctx, streamId);
    const sessionId = await authorize(ctx, req, viewerId, stream, action);
    const awarded = await awardPoints(ctx, {
      viewerId,
      streamId,
      streamerId: stream.streamer_id,
      action,
      durationSeconds,
      sessionId,
      eventAt,
    });
    // The viewer's watch time and points are what its referrals wait for (decision 43).
    await qualifyReferee(ctx, viewerId);
    res.json(awarded);
  });

  router.get('/api/viewers/:viewerId/points', async (req, res) => {
    const { viewerId } = viewerPath.parse(req.params);
    const [balance, creditedBytes] = await Promise.all([
      ctx.db
        .selectFrom('point_balances')
        .select('balance')
        .where('viewer_id', '=', viewerId)
        .executeTakeFirst(),
      viewerCreditedBytes(ctx.db, viewerId),
    ]);
    // An unknown viewer is simply one with no points yet (viewer ids are client-made UUIDs).
    const points = balance?.balance ?? 0;
    const response: PointsBalanceResponse = {
      viewer_id: viewerId,
      balance: points,
      status: pointsStatus(points),
      credited_bytes: creditedBytes,
    };
    res.json(response);
  });

  return router;
}
