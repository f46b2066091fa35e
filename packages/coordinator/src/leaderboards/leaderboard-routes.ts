/**
 * `GET /api/streams/:streamId/leaderboard` and `GET /api/streamers/:streamerId/leaderboard`
 * (public, decision 42): a board by `metric` over `window`, names only. With `?viewerId=` and a
 * session secret of that viewer as the bearer token, the answer marks the viewer's entry and
 * says where it stands (`you`). Boards are remembered 15 s per scope, window and metric.
 */
import {
  DEFAULT_LEADERBOARD_ENTRIES,
  LeaderboardQuery,
  StreamPath,
  StreamerPath,
  type LeaderboardMetric,
  type LeaderboardResponse,
  type LeaderboardWindow,
} from '@streamrp2p/protocol/api-schemas';
import type { Static } from '@sinclair/typebox';
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import * as validate from '../http/validate.js';
import { SupporterCountCache } from '../rewards/supporter-count.js';
import { authenticateViewer } from '../sessions/session-auth.js';
import { findLiveStream } from '../streams/stream-store.js';
import { computeBoard, standingOf, type Board, type BoardScope } from './leaderboard.js';
import { publicNames } from './pseudonyms.js';

const streamPath = validate.path(StreamPath);
const streamerPath = validate.path(StreamerPath);
const leaderboardQuery = validate.query(LeaderboardQuery);

/** How long a computed board is served before it is computed again. */
export const LEADERBOARD_CACHE_MS = 15_000;

const UNITS = { data_served: 'bytes', uptime: 'seconds', points: 'points' } as const;

export function leaderboardRoutes(ctx: AppContext): Router {
  const router = Router();
  const cache = new SupporterCountCache<Board>(LEADERBOARD_CACHE_MS);

  async function answer(
    req: Request,
    res: Response,
    scope: BoardScope,
    query: Static<typeof LeaderboardQuery>,
  ): Promise<void> {
    const window: LeaderboardWindow = query.window ?? 'week';
    const metric: LeaderboardMetric = query.metric ?? 'data_served';
    const limit = query.limit ?? DEFAULT_LEADERBOARD_ENTRIES;
    const viewerId = query.viewerId;
    // The viewer is authenticated before anything is read for it.
    if (viewerId !== undefined) await authenticateViewer(ctx, req, viewerId);
    const now = ctx.clock();
    const board = await cache.get(`${scope.kind}:${scope.id}:${window}:${metric}`, now, () =>
      computeBoard(ctx, scope, window, metric, new Date(now)),
    );
    const shown = board.entries.slice(0, limit);
    const standing =
      viewerId === undefined ? undefined : await standingOf(ctx, scope, board, metric, viewerId);
    const names = await publicNames(ctx.db, ctx.pseudonymSalt, [
      ...shown.map((e) => e.viewerId),
      ...(viewerId === undefined ? [] : [viewerId]),
    ]);
    const body: LeaderboardResponse = {
      scope: scope.kind,
      id: scope.id,
      window,
      metric,
      unit: UNITS[metric],
      from: board.from.toISOString(),
      to: board.to.toISOString(),
      entries: shown.map((e) => ({
        rank: e.rank,
        name: names.get(e.viewerId)!,
        value: e.value,
        you: e.viewerId === viewerId,
      })),
    };
    if (viewerId !== undefined && standing !== undefined) {
      body.you = { name: names.get(viewerId)!, ...standing };
      res.set('Cache-Control', 'private, no-store');
    } else {
      res.set('Cache-Control', `public, max-age=${LEADERBOARD_CACHE_MS / 1000}`);
    }
    res.json(body);
  }

  router.get('/api/streams/:streamId/leaderboard', async (req, res) => {
    const { streamId } = streamPath.parse(req.params);
    const query = leaderboardQuery.parse(req.query);
    await findLiveStream(ctx, streamId);
    await answer(req, res, { kind: 'stream', id: streamId, streamIds: [streamId] }, query);
  });

  router.get('/api/streamers/:streamerId/leaderboard', async (req, res) => {
    const { streamerId } = streamerPath.parse(req.params);
    const query = leaderboardQuery.parse(req.query);
    const streamer = await ctx.db
      .selectFrom('streamers')
      .select('id')
      .where('id', '=', streamerId)
      .executeTakeFirst();
    if (streamer === undefined) throw new ApiError('NOT_FOUND', `no streamer ${streamerId}`);
    // Deleted streams too: what their supporters did still counts for the streamer.
    const streams = await ctx.db
      .selectFrom('streams')
      .select('id')
      .where('streamer_id', '=', streamerId)
      .execute();
    const scope: BoardScope = {
      kind: 'streamer',
      id: streamerId,
      streamIds: streams.map((s) => s.id),
    };
    await answer(req, res, scope, query);
  });

  return router;
}
