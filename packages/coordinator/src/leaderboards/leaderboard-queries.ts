/**
 * The ranked reads behind the leaderboards, one statement per metric over the streams of a
 * board and a window `[from, to)`, each row a viewer and its value, highest first, ties by
 * viewer id. Data served and uptime count payable credit only: a session frozen by a hold
 * (`held` or `voided`, `trust/holds.ts`) counts for nothing, as in a period close
 * (`economics/period-settle.ts`); the reputation threshold is applied after (`leaderboard.ts`).
 */
import type { LeaderboardMetric } from '@streamrp2p/protocol/api-schemas';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema.js';

/** One viewer's figure on a board. */
export interface RankedRow {
  viewerId: string;
  value: number;
}

/** What one read ranks: the streams, the window, and optionally one viewer only. */
export interface RankedRead {
  streamIds: readonly string[];
  from: Date;
  to: Date;
  /** At most this many rows, from the top. */
  limit: number;
  /** Only this viewer's row (its own figure, for "you"). */
  viewerId?: string;
}

/** True when the uploader session `session` has no credit frozen by a hold. */
const notFrozen = (session: RawBuilder<unknown>) => sql`not exists (
  select 1 from trust_hold_sessions hs join trust_holds h on h.id = hs.hold_id
  where hs.session_id = ${session} and h.status in ('held', 'voided'))`;

const only = (column: RawBuilder<unknown>, viewerId: string | undefined) =>
  viewerId === undefined ? sql`true` : sql`${column} = ${viewerId}`;

/**
 * Bytes of the receipts credited in the window to each uploader, frozen sessions left out
 * (`receipts_stream_credited_idx`).
 */
function dataServed(q: RankedRead) {
  return sql<{ viewer_id: string; value: string | number }>`
    select r.uploader_viewer_id as viewer_id, sum(r.byte_length)::bigint as value
    from receipts r
    where r.stream_id = any(${[...q.streamIds]}::text[])
      and r.credited_at >= ${q.from} and r.credited_at < ${q.to}
      and ${only(sql.ref('r.uploader_viewer_id'), q.viewerId)}
      and ${notFrozen(sql.ref('r.uploader_session_id'))}
    group by 1 order by 2 desc, 1 limit ${q.limit}`;
}

/**
 * Seconds of the window during which the viewer had a supporter session live: a session of the
 * board's streams credited in the window and not frozen, from its start to its last sign of
 * life (as reputation's live time, `trust/viewer-reputation.ts`), clipped to the window.
 * Parallel sessions count the wall clock once (gaps and islands over the intervals per viewer),
 * so opening more tabs earns no uptime.
 */
function uptime(q: RankedRead) {
  return sql<{ viewer_id: string; value: string | number }>`
    with s as (
      select s.viewer_id, greatest(s.created_at, ${q.from}::timestamptz) as a,
        least(coalesce(s.ended_at, s.last_seen_at), ${q.to}::timestamptz) as b
      from sessions s
      where s.stream_id = any(${[...q.streamIds]}::text[]) and s.last_seen_at >= ${q.from}
        and s.created_at < ${q.to}
        and ${only(sql.ref('s.viewer_id'), q.viewerId)}
        and exists (select 1 from receipts r where r.uploader_session_id = s.id
          and r.credited_at >= ${q.from} and r.credited_at < ${q.to})
        and ${notFrozen(sql.ref('s.id'))}
    ), ordered as (
      select viewer_id, a, b,
        max(b) over (partition by viewer_id order by a, b
          rows between unbounded preceding and 1 preceding) as reach
      from s where b > a
    ), islands as (
      select viewer_id, a, b,
        sum(case when reach is null or a > reach then 1 else 0 end)
          over (partition by viewer_id order by a, b) as island
      from ordered
    ), spans as (
      select viewer_id, min(a) as a, max(b) as b from islands group by viewer_id, island
    )
    select viewer_id, floor(sum(extract(epoch from (b - a))))::bigint as value
    from spans group by 1 order by 2 desc, 1 limit ${q.limit}`;
}

/** Points earned in the window on the board's streams (`viewer_points_stream_idx`). */
function points(q: RankedRead) {
  return sql<{ viewer_id: string; value: string | number }>`
    select p.viewer_id, sum(p.points)::bigint as value
    from viewer_points p
    where p.stream_id = any(${[...q.streamIds]}::text[])
      and p.created_at >= ${q.from} and p.created_at < ${q.to}
      and ${only(sql.ref('p.viewer_id'), q.viewerId)}
    group by 1 having sum(p.points) > 0 order by 2 desc, 1 limit ${q.limit}`;
}

const READS = { data_served: dataServed, uptime, points } as const;

/** The viewers of `q` ranked by `metric`, highest first, ties by viewer id. */
export async function rankedRows(
  db: Kysely<DB>,
  metric: LeaderboardMetric,
  q: RankedRead,
): Promise<RankedRow[]> {
  if (q.streamIds.length === 0) return [];
  const { rows } = await READS[metric](q).execute(db);
  return rows.map((r) => ({ viewerId: r.viewer_id, value: Number(r.value) }));
}
