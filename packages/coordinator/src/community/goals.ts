/**
 * Community goals (decision 41): a streamer's collective savings target for one stream or all of
 * its streams. Progress is the CDN cost the viewers saved since the goal started: payable
 * verified P2P bytes (receipts credited in [starts_at, min(deadline, now)), frozen credit
 * excluded) x the configured CDN cost, as the studio's analytics price savings
 * (`costSavedMicros`). The community job recounts open goals each run and marks a goal reached
 * once; reads return the stored figures, so the player's polls cost no receipt scans.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { CommunityGoalResponse } from '@streamrp2p/protocol/api-schemas';
import { costSavedMicros } from '../analytics/analytics-routes.js';
import type { CommunityGoalsTable, DB } from '../db/schema.js';
import type { CommunityEvent } from './community-events.js';
import { recordEvents, type NewCommunityEvent } from './community-store.js';
import { communityText } from './community-text.js';

export type GoalRow = Selectable<CommunityGoalsTable>;

/** Open goals a streamer may have at once. */
export const MAX_OPEN_GOALS = 20;

/** How long a reached or expired goal still shows in the player's feed. */
export const FEED_GOAL_LINGER_MS = 24 * 3600 * 1000;

/** Where `goal` stands at `now`. */
export function goalStatus(goal: GoalRow, now: Date): CommunityGoalResponse['status'] {
  if (goal.reached_at !== null) return 'reached';
  if (goal.ended_at !== null) return 'ended';
  if (goal.deadline !== null && goal.deadline <= now) return 'expired';
  return 'active';
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export function toGoalResponse(goal: GoalRow, currency: string, now: Date): CommunityGoalResponse {
  return {
    goalId: goal.id,
    streamerId: goal.streamer_id,
    streamId: goal.stream_id,
    title: goal.title,
    status: goalStatus(goal, now),
    currency,
    targetMicros: Number(goal.target_micros),
    progressMicros: Number(goal.progress_micros),
    progressBytes: Number(goal.progress_bytes),
    startsAt: goal.starts_at.toISOString(),
    deadline: iso(goal.deadline),
    reachedAt: iso(goal.reached_at),
    endedAt: iso(goal.ended_at),
    computedAt: iso(goal.computed_at),
  };
}

/**
 * Goals the job still counts: not ended, not reached, and not counted through their deadline.
 */
async function countableGoals(db: Kysely<DB>): Promise<GoalRow[]> {
  return db
    .selectFrom('community_goals')
    .selectAll()
    .where('ended_at', 'is', null)
    .where('reached_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('deadline', 'is', null),
        eb('computed_at', 'is', null),
        eb('computed_at', '<', eb.ref('deadline')),
      ]),
    )
    .orderBy('id')
    .execute();
}

/**
 * Payable verified P2P bytes counted for `goal`: receipts credited in [starts_at, deadline), or
 * since starts_at when it has no deadline.
 */
export async function goalBytes(db: Kysely<DB>, goal: GoalRow): Promise<number> {
  const scope =
    goal.stream_id === null
      ? sql`st.streamer_id = ${goal.streamer_id}`
      : sql`st.id = ${goal.stream_id}`;
  const until = goal.deadline === null ? sql`` : sql`and r.credited_at < ${goal.deadline}`;
  const { rows } = await sql<{ bytes: number }>`
    select coalesce(sum(r.byte_length), 0)::bigint as bytes
    from streams st
    join receipts r on r.stream_id = st.id and r.credited_at >= ${goal.starts_at} ${until}
    where ${scope}
      and not exists (
        select 1 from trust_hold_sessions hs join trust_holds h on h.id = hs.hold_id
        where hs.session_id = r.uploader_session_id and h.status <> 'released'
      )`.execute(db);
  return Number(rows[0]?.bytes ?? 0);
}

/** What one recount of the goals did. */
export interface GoalsRunResult {
  counted: number;
  reached: CommunityEvent[];
}

/**
 * Recounts every open goal at `now`, stores the figures, and marks the goals that reached their
 * target: the conditional update (`reached_at is null`) and the goal's events commit together,
 * so of two processes only one marks it and gets the events to emit (returned, committed).
 */
export async function recountGoals(
  db: Kysely<DB>,
  config: { cdnCostMicrosPerGb: number; currency: string },
  now: Date,
): Promise<GoalsRunResult> {
  const goals = await countableGoals(db);
  const reached: CommunityEvent[] = [];
  for (const goal of goals) {
    const bytes = await goalBytes(db, goal);
    const micros = costSavedMicros(bytes, config.cdnCostMicrosPerGb);
    const done = micros >= Number(goal.target_micros);
    const events = await db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('community_goals')
        .set({ progress_bytes: bytes, progress_micros: micros, computed_at: now })
        .where('id', '=', goal.id)
        .where('reached_at', 'is', null)
        .where('ended_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (updated === undefined || !done || updated.target_micros > micros) return [];
      const marked = await trx
        .updateTable('community_goals')
        .set({ reached_at: now })
        .where('id', '=', goal.id)
        .where('reached_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (marked === undefined) return [];
      return recordEvents(trx, await reachedEvents(trx, marked, micros, config.currency), now);
    });
    reached.push(...events);
  }
  return { counted: goals.length, reached };
}

/** A reached goal's event in each stream it counts (all the streamer's live streams, or one). */
async function reachedEvents(
  db: Kysely<DB>,
  goal: GoalRow,
  micros: number,
  currency: string,
): Promise<NewCommunityEvent[]> {
  let streams = db
    .selectFrom('streams')
    .select('id')
    .where('streamer_id', '=', goal.streamer_id)
    .where('deleted_at', 'is', null);
  if (goal.stream_id !== null) streams = streams.where('id', '=', goal.stream_id);
  const rows = await streams.orderBy('id').execute();
  return rows.map((s) => ({
    key: `goal:${goal.id}:${s.id}`,
    kind: 'goal_reached' as const,
    streamId: s.id,
    streamerId: goal.streamer_id,
    text: communityText.goalReached(goal.title, micros, currency),
    data: {
      goalId: goal.id,
      title: goal.title,
      targetMicros: Number(goal.target_micros),
      progressMicros: micros,
      currency,
    },
  }));
}

/** Goals the player's feed of `streamId` shows: open or recently closed, of it or all streams. */
export async function feedGoals(
  db: Kysely<DB>,
  stream: { id: string; streamer_id: string },
  now: Date,
): Promise<GoalRow[]> {
  const lingerSince = new Date(now.getTime() - FEED_GOAL_LINGER_MS);
  return db
    .selectFrom('community_goals')
    .selectAll()
    .where('streamer_id', '=', stream.streamer_id)
    .where((eb) => eb.or([eb('stream_id', 'is', null), eb('stream_id', '=', stream.id)]))
    .where('ended_at', 'is', null)
    .where((eb) => eb.or([eb('reached_at', 'is', null), eb('reached_at', '>=', lingerSince)]))
    .where((eb) =>
      eb.or([
        eb('deadline', 'is', null),
        eb('deadline', '>=', lingerSince),
        eb('reached_at', 'is not', null),
      ]),
    )
    .orderBy('created_at')
    .orderBy('id')
    .limit(5)
    .execute();
}
