/**
 * The reads behind the supporter analytics, each on an index: live credited supporters
 * (`sessions_stream_seen_idx`, `credit_bounds` by key), top supporters (`stream_supporter_hours`),
 * their uptime (`sessions_viewer_idx`), periods (`periods_streamer_idx`) and payouts
 * (`payouts_payee_idx`).
 */
import type { Static } from '@sinclair/typebox';
import type { PayoutSummary, PeriodSummary, TopSupporter } from '@streamrp2p/protocol/api-schemas';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { publicNames } from '../leaderboards/pseudonyms.js';
import { viewerKey } from '../privacy/pseudonyms.js';

/** Most periods and payouts listed in one answer (the latest ones). */
export const MAX_LISTED = 500;
/** Top supporters listed. */
export const TOP_SUPPORTERS = 10;

/** Distinct viewers with a live uploader session in `streamIds` that was credited bytes. */
export async function currentSupporters(
  db: Kysely<DB>,
  streamIds: readonly string[],
  liveSince: Date,
): Promise<number> {
  if (streamIds.length === 0) return 0;
  const { rows } = await sql<{ n: number }>`
    select count(distinct s.viewer_id)::int as n
    from sessions s join credit_bounds b on b.session_id = s.id
    where s.stream_id = any(${[...streamIds]}::text[]) and s.last_seen_at >= ${liveSince}
      and s.ended_at is null and b.uploaded_bytes > 0`.execute(db);
  return rows[0]?.n ?? 0;
}

const floorHour = (date: Date) => new Date(Math.floor(date.getTime() / 3_600_000) * 3_600_000);

/**
 * The supporters credited the most bytes in the hours of `[from, to)` (from the hour holding
 * `from`; as fresh as the metrics job's last run) in `streamIds`, with their uptime
 * (seconds their sessions in these streams were live within the range) and point balance.
 * Named by public name and viewer key under `salt`, never by viewer id (decision 46).
 */
export async function topSupporters(
  db: Kysely<DB>,
  salt: string,
  streamIds: readonly string[],
  from: Date,
  to: Date,
): Promise<Array<Static<typeof TopSupporter>>> {
  if (streamIds.length === 0) return [];
  const ids = [...streamIds];
  const { rows } = await sql<{ viewer_id: string; bytes: number; uptime: number; points: number }>`
    with top as (
      select viewer_id, sum(bytes)::bigint as bytes
      from stream_supporter_hours
      where stream_id = any(${ids}::text[]) and bucket_start >= ${floorHour(from)}
        and bucket_start < ${to}
      group by 1 order by 2 desc, 1 limit ${TOP_SUPPORTERS}
    )
    select t.viewer_id, t.bytes,
      coalesce((select sum(extract(epoch from least(s.last_seen_at, ${to}::timestamptz)
          - greatest(s.created_at, ${from}::timestamptz)))::bigint
        from sessions s
        where s.viewer_id = t.viewer_id and s.stream_id = any(${ids}::text[])
          and s.last_seen_at >= ${from} and s.created_at < ${to}), 0) as uptime,
      coalesce((select p.balance from point_balances p where p.viewer_id = t.viewer_id), 0)
        as points
    from top t order by t.bytes desc, t.viewer_id`.execute(db);
  const names = await publicNames(
    db,
    salt,
    rows.map((r) => r.viewer_id),
  );
  return rows.map((r) => ({
    name: names.get(r.viewer_id)!,
    viewer_key: viewerKey(salt, r.viewer_id),
    data_served: Number(r.bytes),
    uptime: Math.max(0, Number(r.uptime)),
    loyalty_points: Number(r.points),
  }));
}

/** The streamer's closed periods overlapping `[from, to)` (of one stream when given). */
export async function streamerPeriods(
  db: Kysely<DB>,
  streamerId: string,
  from: Date,
  to: Date,
  streamId: string | undefined,
): Promise<Array<Static<typeof PeriodSummary>>> {
  let query = db
    .selectFrom('periods')
    .selectAll()
    .where('streamer_id', '=', streamerId)
    .where('ends_at', '>', from)
    .where('starts_at', '<', to);
  if (streamId !== undefined) query = query.where('stream_id', '=', streamId);
  const rows = await query.orderBy('ends_at', 'desc').limit(MAX_LISTED).execute();
  return rows.reverse().map((p) => ({
    id: p.id,
    stream_id: p.stream_id,
    starts_at: p.starts_at.toISOString(),
    ends_at: p.ends_at.toISOString(),
    revenue: Number(p.revenue_micros),
    platform_fee: Number(p.platform_fee_micros),
    supporter_pool: Number(p.pool_micros),
    streamer_share: Number(p.streamer_micros),
    cdn_saved: Number(p.cdn_saved_micros),
    supporters: Number(p.supporters),
  }));
}

/** The streamer's payouts created in `[from, to)`. */
export async function streamerPayouts(
  db: Kysely<DB>,
  streamerId: string,
  from: Date,
  to: Date,
): Promise<Array<Static<typeof PayoutSummary>>> {
  const rows = await db
    .selectFrom('payouts')
    .select(['id', 'amount_micros', 'currency', 'status', 'provider', 'created_at'])
    .where('payee_kind', '=', 'streamer')
    .where('payee_id', '=', streamerId)
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .orderBy('created_at', 'desc')
    .limit(MAX_LISTED)
    .execute();
  return rows.reverse().map((p) => ({
    id: p.id,
    amount: Number(p.amount_micros),
    currency: p.currency,
    status: p.status,
    provider: p.provider,
    created_at: p.created_at.toISOString(),
  }));
}
