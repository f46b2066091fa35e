/**
 * A streamer's community goals (its own API key or studio session): list, create, edit, end.
 * The community job counts their progress (`goals.ts`).
 */
import {
  CreateGoalRequest,
  GoalPath,
  StreamerPath,
  UpdateGoalRequest,
  type CommunityGoalsResponse,
} from '@streamrp2p/protocol/api-schemas';
import { Router, type Request } from 'express';
import type { AppContext } from '../context.js';
import { parseIsoTime } from '../economics/iso-time.js';
import { ApiError } from '../errors.js';
import { authenticateStreamer } from '../http/auth.js';
import * as validate from '../http/validate.js';
import { nowDate } from '../util/clock.js';
import { uuid } from '../util/crypto.js';
import { MAX_OPEN_GOALS, toGoalResponse, type GoalRow } from './goals.js';

const streamerPath = validate.path(StreamerPath);
const goalPath = validate.path(GoalPath);
const createBody = validate.body(CreateGoalRequest);
const updateBody = validate.body(UpdateGoalRequest);

/** 403 unless the caller is the streamer `streamerId`. */
async function asStreamer(ctx: AppContext, req: Request, streamerId: string): Promise<void> {
  const streamer = await authenticateStreamer(ctx, req);
  if (streamer.id !== streamerId) {
    throw new ApiError('FORBIDDEN', 'only the streamer itself may manage its community goals');
  }
}

function futureDeadline(text: string, now: Date): Date {
  const deadline = parseIsoTime(text, 'body.deadline');
  if (deadline <= now)
    throw new ApiError('VALIDATION_ERROR', 'body.deadline must be in the future');
  return deadline;
}

async function findGoal(ctx: AppContext, streamerId: string, goalId: string): Promise<GoalRow> {
  const goal = await ctx.db
    .selectFrom('community_goals')
    .selectAll()
    .where('id', '=', goalId)
    .where('streamer_id', '=', streamerId)
    .executeTakeFirst();
  if (goal === undefined) throw new ApiError('GOAL_NOT_FOUND', `no community goal ${goalId}`);
  return goal;
}

export function goalRoutes(ctx: AppContext): Router {
  const router = Router();
  const respond = (goal: GoalRow) => toGoalResponse(goal, ctx.config.currency, nowDate(ctx.clock));

  router.get('/api/streamers/:streamerId/goals', async (req, res) => {
    const { streamerId } = streamerPath.parse(req.params);
    await asStreamer(ctx, req, streamerId);
    const goals = await ctx.db
      .selectFrom('community_goals')
      .selectAll()
      .where('streamer_id', '=', streamerId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(200)
      .execute();
    const response: CommunityGoalsResponse = { goals: goals.map(respond) };
    res.json(response);
  });

  router.post('/api/streamers/:streamerId/goals', async (req, res) => {
    const { streamerId } = streamerPath.parse(req.params);
    const body = createBody.parse(req.body);
    await asStreamer(ctx, req, streamerId);
    const now = nowDate(ctx.clock);
    const deadline = body.deadline === undefined ? null : futureDeadline(body.deadline, now);
    if (body.streamId !== undefined) {
      const stream = await ctx.db
        .selectFrom('streams')
        .select('streamer_id')
        .where('id', '=', body.streamId)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (stream === undefined || stream.streamer_id !== streamerId) {
        throw new ApiError('STREAM_NOT_FOUND', `the streamer has no stream ${body.streamId}`);
      }
    }
    const goal = await ctx.db.transaction().execute(async (trx) => {
      // The streamer's row lock orders concurrent creations, so the limit holds under them.
      await trx
        .selectFrom('streamers')
        .select('id')
        .where('id', '=', streamerId)
        .forUpdate()
        .execute();
      const open = await trx
        .selectFrom('community_goals')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('streamer_id', '=', streamerId)
        .where('ended_at', 'is', null)
        .where('reached_at', 'is', null)
        .executeTakeFirstOrThrow();
      if (Number(open.n) >= MAX_OPEN_GOALS) {
        throw new ApiError('GOAL_LIMIT', `at most ${MAX_OPEN_GOALS} open goals: end one first`);
      }
      return trx
        .insertInto('community_goals')
        .values({
          id: uuid(),
          streamer_id: streamerId,
          stream_id: body.streamId ?? null,
          title: body.title.trim(),
          target_micros: body.targetMicros,
          starts_at: now,
          counted_through: now,
          deadline,
          ended_at: null,
          reached_at: null,
          computed_at: null,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    });
    res.status(201).json(respond(goal));
  });

  router.patch('/api/streamers/:streamerId/goals/:goalId', async (req, res) => {
    const { streamerId, goalId } = goalPath.parse(req.params);
    const body = updateBody.parse(req.body);
    await asStreamer(ctx, req, streamerId);
    const now = nowDate(ctx.clock);
    await findGoal(ctx, streamerId, goalId);
    const deadline =
      body.deadline === undefined || body.deadline === null
        ? body.deadline
        : futureDeadline(body.deadline, now);
    const updated = await ctx.db
      .updateTable('community_goals')
      .set({
        ...(body.title === undefined ? {} : { title: body.title.trim() }),
        ...(body.targetMicros === undefined ? {} : { target_micros: body.targetMicros }),
        ...(deadline === undefined ? {} : { deadline }),
        updated_at: now,
      })
      .where('id', '=', goalId)
      .where('reached_at', 'is', null)
      .where('ended_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (updated === undefined) {
      throw new ApiError('GOAL_CLOSED', `goal ${goalId} was reached or ended: it cannot change`);
    }
    res.json(respond(updated));
  });

  router.post('/api/streamers/:streamerId/goals/:goalId/end', async (req, res) => {
    const { streamerId, goalId } = goalPath.parse(req.params);
    await asStreamer(ctx, req, streamerId);
    const now = nowDate(ctx.clock);
    const ended = await ctx.db
      .updateTable('community_goals')
      .set({ ended_at: now, updated_at: now })
      .where('id', '=', goalId)
      .where('streamer_id', '=', streamerId)
      .where('ended_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    // Ending an ended goal again answers it as it is (a retried request).
    res.json(respond(ended ?? (await findGoal(ctx, streamerId, goalId))));
  });

  return router;
}
