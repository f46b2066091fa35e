/**
 * Time-series reads: minutes from `stream_metrics_minute`; hours from `stream_metrics_hour`, and
 * days summed from its hours at query time (decision 33). Both tables are read by their primary
 * key `(stream_id, bucket_start)`. Hours are as fresh as the metrics job's last run.
 */
import type { MetricsPoint } from '@streamrp2p/protocol';
import { MAX_METRICS_POINTS } from '@streamrp2p/protocol/api-schemas';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { bucketSql, STEP_MS } from './buckets.js';

export type MetricsStep = 'minute' | 'hour' | 'day';

/** A validated range: `from` before `to`, at most {@link MAX_METRICS_POINTS} buckets of `step`. */
export interface SeriesRange {
  from: Date;
  to: Date;
  step: MetricsStep;
}

/**
 * The range of `?from&to&step`: 400 `VALIDATION_ERROR` unless `from < to`, 400
 * `TOO_MANY_POINTS` when it spans more than {@link MAX_METRICS_POINTS} buckets of `step`.
 */
export function seriesRange(from: Date, to: Date, step: MetricsStep): SeriesRange {
  const range = { from, to, step };
  const span = range.to.getTime() - range.from.getTime();
  if (!(span > 0)) throw new ApiError('VALIDATION_ERROR', 'query.from must be before query.to');
  const points = Math.ceil(span / STEP_MS[step]);
  if (points > MAX_METRICS_POINTS) {
    throw new ApiError(
      'TOO_MANY_POINTS',
      `${points} ${step} buckets from ${from.toISOString()} to ${to.toISOString()}: at most ${MAX_METRICS_POINTS} per ` +
        'answer; use a larger step or a shorter range',
    );
  }
  return range;
}

/**
 * The buckets of `range` with data, summed over `streamIds` (viewers and supporters: per
 * stream, the largest of the bucket's minutes or hours; then summed over streams). Minutes
 * deleted after the retention are not in a `minute` series; their hours stay.
 */
export async function readSeries(
  db: Kysely<DB>,
  streamIds: readonly string[],
  range: SeriesRange,
): Promise<MetricsPoint[]> {
  if (streamIds.length === 0) return [];
  const { from, to, step } = range;
  const ids = [...streamIds];
  const table = step === 'minute' ? 'stream_metrics_minute' : 'stream_metrics_hour';
  const source = sql`select stream_id, bucket_start, p2p_bytes, cdn_bytes, viewers, supporters,
    stalls from ${sql.table(table)} where stream_id = any(${ids}::text[])
    and bucket_start >= ${from} and bucket_start < ${to}`;
  const bucket = bucketSql(sql.ref('bucket_start'), step);
  const perStream = sql`select stream_id, ${bucket} as at, sum(p2p_bytes) as p2p_bytes,
    sum(cdn_bytes) as cdn_bytes, max(viewers) as viewers, max(supporters) as supporters,
    sum(stalls) as stalls from (${source}) as buckets group by 1, 2`;
  const { rows: points } = await sql<{
    at: Date;
    p2p_bytes: number;
    cdn_bytes: number;
    viewers: number;
    supporters: number;
    stalls: number;
  }>`${
    // One stream's minutes (the metrics route) are read as they are.
    ids.length === 1 && step === 'minute'
      ? sql`select bucket_start as at, p2p_bytes, cdn_bytes, viewers, supporters, stalls
          from (${source}) as buckets order by at`
      : sql`select at, sum(p2p_bytes)::bigint as p2p_bytes, sum(cdn_bytes)::bigint as cdn_bytes,
          sum(viewers)::bigint as viewers, sum(supporters)::bigint as supporters,
          sum(stalls)::bigint as stalls
          from (${perStream}) as per_stream group by at order by at`
  }`.execute(db);
  return points.map((p) => ({
    at: new Date(p.at).toISOString(),
    p2p_bytes: Number(p.p2p_bytes),
    cdn_bytes: Number(p.cdn_bytes),
    viewers: Number(p.viewers),
    supporters: Number(p.supporters),
    stalls: Number(p.stalls),
  }));
}

/** Totals of a series (bytes summed; viewers and supporters are not additive). */
export function seriesTotals(points: readonly MetricsPoint[]): { p2p: number; cdn: number } {
  let p2p = 0;
  let cdn = 0;
  for (const p of points) {
    p2p += p.p2p_bytes;
    cdn += p.cdn_bytes;
  }
  return { p2p, cdn };
}
