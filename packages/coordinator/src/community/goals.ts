/**
 * Community goals (decision 41): a streamer's collective savings target for one stream or all of
 * its streams. Progress is the CDN cost the viewers saved since the goal started: payable
 * verified P2P bytes (receipts credited in [starts_at, deadline), frozen credit excluded) x the
 * configured CDN cost, as the studio's analytics price savings (`costSavedMicros`). The
 * community job counts open goals each run, reading only the receipts since the goal's settled
 * part (`countGoal`), and marks a goal reached once; reads return the stored figures, so the
 * player's polls cost no receipt scans.
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
 * Receipts credited this long ago have all committed: a receipt's `credited_at` is its batch's
 * time, and the batch commits within seconds (the period close waits the same minute).
 */
export const LATE_COMMIT_MS = 60_000;

/** Receipts in a goal's streams (`st` is the stream, `r` the receipt). */
function goalScope(goal: GoalRow) {
  return goal.stream_id === null
    ? sql`st.streamer_id = ${goal.streamer_id}`
    : sql`st.id = ${goal.stream_id}`;
}

const NOT_FROZEN = sql`not exists (
  select 1 from trust_hold_sessions hs join trust_holds h on h.id = hs.hold_id
  where hs.session_id = r.uploader_session_id and h.status <> 'released'
)`;

/** A goal's count at `now`: what it settles and its payable bytes. */
export interface GoalCount {
  /** All receipt bytes in [starts_at, countedThrough), frozen or not. */
  countedBytes: number;
  countedThrough: Date;
  /** Payable verified P2P bytes in [starts_at, deadline or now). */
  bytes: number;
}

/**
 * Counts `goal` at `now` from its settled part: the receipts that committed since
 * `counted_through` up to a minute ago are added to `counted_bytes` (frozen or not), the rest up
 * to the deadline is read each run, and the bytes of sessions a hold freezes now are taken off,
 * read through the holds' sessions (a hold can come after its receipts were counted).
 */
export async function countGoal(db: Kysely<DB>, goal: GoalRow, now: Date): Promise<GoalCount> {
  const end = goal.deadline !== null && goal.deadline < now ? goal.deadline : now;
  const settleTo = new Date(
    Math.max(
      goal.counted_through.getTime(),
      Math.min(end.getTime(), now.getTime() - LATE_COMMIT_MS),
    ),
  );
  const scope = goalScope(goal);
  const until = goal.deadline === null ? sql`` : sql`and r.credited_at < ${goal.deadline}`;
  const { rows } = await sql<{ settled: number; tail: number; frozen: number }>`
    select
      coalesce((
        select sum(r.byte_length) from streams st
        join receipts r on r.stream_id = st.id
          and r.credited_at >= ${goal.counted_through} and r.credited_at < ${settleTo}
        where ${scope}
      ), 0)::bigint as settled,
      coalesce((
        select sum(r.byte_length) from streams st
        join receipts r on r.stream_id = st.id and r.credited_at >= ${settleTo} ${until}
        where ${scope} and ${NOT_FROZEN}
      ), 0)::bigint as tail,
      coalesce((
        select sum(r.byte_length)
        from trust_holds h
        join trust_hold_sessions hs on hs.hold_id = h.id
        join receipts r on r.uploader_session_id = hs.session_id
          and r.credited_at >= ${goal.starts_at} and r.credited_at < ${settleTo}
        join streams st on st.id = r.stream_id
        where h.status <> 'released' and ${scope}
      ), 0)::bigint as frozen`.execute(db);
  const row = rows[0] ?? { settled: 0, tail: 0, frozen: 0 };
  const countedBytes = Number(goal.counted_bytes) + Number(row.settled);
  return {
    countedBytes,
    countedThrough: settleTo,
    bytes: Math.max(0, countedBytes - Number(row.frozen) + Number(row.tail)),
  };
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
    const count = await countGoal(db, goal, now);
    const micros = costSavedMicros(count.bytes, config.cdnCostMicrosPerGb);
    const done = micros >= Number(goal.target_micros);
    const events = await db.transaction().execute(async (trx) => {
      // Only over the settled part this count started from: of two processes counting at once,
      // the later writes nothing rather than a settled sum from a base that moved.
      const updated = await trx
        .updateTable('community_goals')
        .set({
          progress_bytes: count.bytes,
          progress_micros: micros,
          counted_bytes: count.countedBytes,
          counted_through: count.countedThrough,
          computed_at: now,
        })
        .where('id', '=', goal.id)
        .where('counted_through', '=', goal.counted_through)
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
