/**
 * The minute buckets' receipt and session figures, computed for finished minutes by the metrics
 * job, so the receipt path writes nothing more (decision 33). Recomputing a minute writes the
 * same figures: the job overlaps its previous run by a few minutes to catch receipts that
 * committed just after a minute ended.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema.js';

/**
 * Sets `p2p_bytes` (credited receipt bytes), `supporters` (distinct uploader sessions credited)
 * and `viewers` (distinct sessions live in the minute: created before its end, seen at or after
 * its start) of every stream's minutes in `[from, to)`, leaving the usage counters alone. The
 * receipts come from `receipts_credited_idx`; the sessions, stream by stream, from
 * `sessions_stream_seen_idx`.
 *
 * @returns the minute rows written
 */
export async function computeMinutes(db: Kysely<DB>, from: Date, to: Date): Promise<number> {
  if (to <= from) return 0;
  const result = await sql`
    with p2p as (
      select stream_id, date_trunc('minute', credited_at) as bucket,
        sum(byte_length)::bigint as p2p_bytes,
        count(distinct uploader_session_id)::int as supporters
      from receipts
      where credited_at >= ${from} and credited_at < ${to}
      group by 1, 2
    ), live as (
      select s.stream_id, m.bucket, count(*)::int as viewers
      from streams st
      cross join lateral (
        select x.stream_id, x.created_at,
          least(x.last_seen_at, coalesce(x.ended_at, x.last_seen_at)) as seen_until
        from sessions x
        where x.stream_id = st.id and x.last_seen_at >= ${from} and x.created_at < ${to}
      ) s
      cross join lateral generate_series(
        greatest(date_trunc('minute', s.created_at), ${from}::timestamptz),
        least(date_trunc('minute', s.seen_until), ${to}::timestamptz - interval '1 minute'),
        interval '1 minute'
      ) as m(bucket)
      group by 1, 2
    )
    insert into stream_metrics_minute as t (stream_id, bucket_start, p2p_bytes, supporters,
      viewers)
    select coalesce(p.stream_id, l.stream_id), coalesce(p.bucket, l.bucket),
      coalesce(p.p2p_bytes, 0), coalesce(p.supporters, 0), coalesce(l.viewers, 0)
    from p2p p full join live l on l.stream_id = p.stream_id and l.bucket = p.bucket
    on conflict (stream_id, bucket_start) do update set
      p2p_bytes = excluded.p2p_bytes,
      supporters = excluded.supporters,
      viewers = excluded.viewers`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

const HOUR_COLUMNS = sql`stream_id, bucket_start, p2p_bytes, cdn_bytes, cdn_segments,
  reported_p2p_bytes, reported_p2p_segments, viewers, supporters, stalls, usage_reports`;

/** The hour rows of `minutes` (a subquery of minute rows): sums; viewers and supporters peak. */
const hourRows = (minutes: RawBuilder<unknown>) => sql`
  insert into stream_metrics_hour as h (${HOUR_COLUMNS})
  select stream_id, to_timestamp(floor(extract(epoch from bucket_start) / 3600) * 3600),
    sum(p2p_bytes), sum(cdn_bytes), sum(cdn_segments), sum(reported_p2p_bytes),
    sum(reported_p2p_segments), max(viewers), max(supporters), sum(stalls), sum(usage_reports)
  from ${minutes} as m group by 1, 2
  on conflict (stream_id, bucket_start) do update set
    p2p_bytes = excluded.p2p_bytes,
    cdn_bytes = excluded.cdn_bytes,
    cdn_segments = excluded.cdn_segments,
    reported_p2p_bytes = excluded.reported_p2p_bytes,
    reported_p2p_segments = excluded.reported_p2p_segments,
    viewers = excluded.viewers,
    supporters = excluded.supporters,
    stalls = excluded.stalls,
    usage_reports = excluded.usage_reports`;

/**
 * Sets the hour rows of every stream's hours in `[from, to)` (hour boundaries) from their
 * minutes: counters summed, `viewers` and `supporters` the largest minute's (a distinct count
 * over the hour would need the sessions again; the peak is what a dashboard shows). Hours and
 * days are read from these rows only, so a 30-day series reads 720 rows per stream, not 43,200.
 * Recomputing an hour from the same minutes writes the same row.
 *
 * @returns the hour rows written
 */
export async function computeHours(db: Kysely<DB>, from: Date, to: Date): Promise<number> {
  if (to <= from) return 0;
  const result = await hourRows(sql`(
    select * from stream_metrics_minute where bucket_start >= ${from} and bucket_start < ${to}
  )`).execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * Deletes every minute before `before` (an hour boundary, so whole hours go), writing its hour
 * row from exactly those minutes in the same statement: running it again finds no minute left
 * (idempotent), and the hour rows keep the totals.
 *
 * @returns the minute rows deleted
 */
export async function rollUpHours(db: Kysely<DB>, before: Date): Promise<number> {
  const { rows } = await sql<{ minutes: number }>`
    with gone as (
      delete from stream_metrics_minute where bucket_start < ${before} returning *
    ), hours as (${hourRows(sql`gone`)})
    select count(*)::int as minutes from gone`.execute(db);
  return rows[0]?.minutes ?? 0;
}

/**
 * Sets the bytes and receipts each uploading viewer was credited per stream in the hours
 * `[from, to)` (hour boundaries) from the receipts (`receipts_credited_idx`). Whole hours are
 * recomputed, so a rerun writes the same rows.
 *
 * @returns the rows written
 */
export async function computeSupporterHours(db: Kysely<DB>, from: Date, to: Date): Promise<number> {
  if (to <= from) return 0;
  const result = await sql`
    insert into stream_supporter_hours as h (stream_id, bucket_start, viewer_id, bytes, receipts)
    select stream_id, to_timestamp(floor(extract(epoch from credited_at) / 3600) * 3600),
      uploader_viewer_id, sum(byte_length), count(*)
    from receipts where credited_at >= ${from} and credited_at < ${to}
    group by 1, 2, 3
    on conflict (stream_id, bucket_start, viewer_id) do update set
      bytes = excluded.bytes, receipts = excluded.receipts`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
