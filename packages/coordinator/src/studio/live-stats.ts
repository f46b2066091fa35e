/**
 * The live view's figures (decision 35), read from the tables on each push: live sessions,
 * credited receipts and the usage reports' minutes of the window (since the previous minute
 * began), and the verified P2P bytes of the last 24 hours (the finished minutes from the
 * metrics job's series, the rest from the receipts since it last ran).
 */
import type { LiveSnapshot } from '@streamrp2p/protocol/api-schemas';
import { sql, type Kysely } from 'kysely';
import { costSavedMicros } from '../analytics/analytics-routes.js';
import { currentSupporters } from '../analytics/analytics-queries.js';
import type { AppContext } from '../context.js';
import type { DB } from '../db/schema.js';
import { floorTo } from '../metrics/buckets.js';
import { readSeries, seriesTotals } from '../metrics/series.js';
import { liveAlerts } from './live-alerts.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Per-stream figures of the window, for the snapshot and the Prometheus gauges. */
export interface WindowFigures {
  viewers: number;
  p2pBytes: number;
  cdnBytes: number;
  stalls: number;
}

/** p2p / (p2p + cdn), null without bytes. */
export const p2pShareOf = (p2p: number, cdn: number): number | null =>
  p2p + cdn === 0 ? null : p2p / (p2p + cdn);

/** The window's start: the previous minute's, so a usage minute is never cut in two. */
export function windowStart(now: number): Date {
  return new Date(floorTo(now, 'minute') - 60_000);
}

/**
 * Viewers (live sessions), credited P2P bytes, reported CDN bytes and stalls since `from`, by
 * stream; every stream when `streamIds` is undefined (the gauges).
 */
export async function windowFigures(
  db: Kysely<DB>,
  streamIds: readonly string[] | undefined,
  from: Date,
  liveSince: Date,
): Promise<Map<string, WindowFigures>> {
  const only = (column: string) =>
    streamIds === undefined ? sql`true` : sql`${sql.ref(column)} = any(${[...streamIds]}::text[])`;
  const [viewers, p2p, usage] = await Promise.all([
    sql<{ stream_id: string; n: number }>`
      select stream_id, count(*)::int as n from sessions
      where ${only('stream_id')} and last_seen_at >= ${liveSince} and ended_at is null
      group by 1`.execute(db),
    sql<{ stream_id: string; bytes: string }>`
      select stream_id, sum(byte_length)::bigint as bytes from receipts
      where credited_at >= ${from} and ${only('stream_id')}
      group by 1`.execute(db),
    sql<{ stream_id: string; cdn: string; stalls: string }>`
      select stream_id, sum(cdn_bytes)::bigint as cdn, sum(stalls)::bigint as stalls
      from stream_metrics_minute
      where ${only('stream_id')} and bucket_start >= ${from}
      group by 1`.execute(db),
  ]);
  const figures = new Map<string, WindowFigures>();
  const of = (id: string) => {
    let f = figures.get(id);
    if (f === undefined) {
      f = { viewers: 0, p2pBytes: 0, cdnBytes: 0, stalls: 0 };
      figures.set(id, f);
    }
    return f;
  };
  for (const r of viewers.rows) of(r.stream_id).viewers = Number(r.n);
  for (const r of p2p.rows) of(r.stream_id).p2pBytes = Number(r.bytes);
  for (const r of usage.rows) {
    of(r.stream_id).cdnBytes = Number(r.cdn);
    of(r.stream_id).stalls = Number(r.stalls);
  }
  return figures;
}

/** Where the metrics job's minutes end (receipts after it are not in the series yet). */
async function computedUntil(db: Kysely<DB>): Promise<number | undefined> {
  const row = await db
    .selectFrom('metrics_state')
    .select('computed_until')
    .where('name', '=', 'minutes')
    .executeTakeFirst();
  return row?.computed_until.getTime();
}

/** Verified P2P bytes of `streamId` in `[from, now)`: the series where computed, else receipts. */
async function p2pBytesSince(
  db: Kysely<DB>,
  streamId: string,
  from: number,
  now: number,
): Promise<{ p2p: number; cdn: number }> {
  const until = Math.min(Math.max((await computedUntil(db)) ?? from, from), now);
  const computed =
    until > from
      ? seriesTotals(
          await readSeries(db, [streamId], {
            from: new Date(from),
            to: new Date(until),
            step: 'hour',
          }),
        )
      : { p2p: 0, cdn: 0 };
  const { rows } = await sql<{ bytes: string | null }>`
    select sum(byte_length)::bigint as bytes from receipts
    where credited_at >= ${new Date(until)} and stream_id = ${streamId}`.execute(db);
  const { rows: usage } = await sql<{ cdn: string | null }>`
    select sum(cdn_bytes)::bigint as cdn from stream_metrics_minute
    where stream_id = ${streamId} and bucket_start >= ${new Date(until)}`.execute(db);
  return {
    p2p: computed.p2p + Number(rows[0]?.bytes ?? 0),
    cdn: computed.cdn + Number(usage[0]?.cdn ?? 0),
  };
}

/** One snapshot of a stream's live figures, with the alerts that hold. */
export async function liveSnapshot(ctx: AppContext, streamId: string): Promise<LiveSnapshot> {
  const now = ctx.clock();
  const from = windowStart(now);
  const liveSince = new Date(now - ctx.config.sessionTtlSeconds * 1000);
  const [figures, supporters, day, hour] = await Promise.all([
    windowFigures(ctx.db, [streamId], from, liveSince),
    currentSupporters(ctx.db, [streamId], liveSince),
    p2pBytesSince(ctx.db, streamId, now - DAY_MS, now),
    p2pBytesSince(ctx.db, streamId, now - HOUR_MS, now),
  ]);
  const f = figures.get(streamId) ?? { viewers: 0, p2pBytes: 0, cdnBytes: 0, stalls: 0 };
  const windowSeconds = Math.round((now - from.getTime()) / 1000);
  const p2pShare = p2pShareOf(f.p2pBytes, f.cdnBytes);
  return {
    streamId,
    at: new Date(now).toISOString(),
    windowSeconds,
    viewers: f.viewers,
    supporters,
    p2pBytes: f.p2pBytes,
    cdnBytes: f.cdnBytes,
    p2pShare,
    stalls: f.stalls,
    savedBytes24h: day.p2p,
    estimatedSavingsMicros24h: costSavedMicros(day.p2p, ctx.config.cdnCostMicrosPerGb),
    currency: ctx.config.currency,
    alerts: liveAlerts({
      viewers: f.viewers,
      p2pShare,
      hourShare: p2pShareOf(hour.p2p, hour.cdn),
      stalls: f.stalls,
      windowSeconds,
    }),
  };
}
