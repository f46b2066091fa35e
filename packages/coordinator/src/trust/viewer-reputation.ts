/** Reads the facts of a viewer's reputation (`reputation.ts`) in one statement. */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { reputationOf, type Reputation, type ReputationFacts } from './reputation.js';

/**
 * The facts of `viewerId` at `now`. Live time is the union of its sessions' intervals (gaps and
 * islands over the intervals sorted by start), so parallel sessions count the wall clock once.
 */
export async function reputationFacts(
  db: Kysely<DB>,
  viewerId: string,
  now: Date,
): Promise<ReputationFacts> {
  const { rows } = await sql<{
    first_at: Date | null;
    live_ms: number | null;
    passed: number;
    failed: number;
    expired: number;
    networks: number;
  }>`
    with s as (
      select id, network_key, created_at,
        greatest(created_at, least(coalesce(ended_at, last_seen_at), ${now}::timestamptz)) as until
      from sessions where viewer_id = ${viewerId}
    ), ordered as (
      select created_at, until,
        max(until) over (order by created_at, until
          rows between unbounded preceding and 1 preceding) as reach
      from s
    ), islands as (
      select created_at, until,
        sum(case when reach is null or created_at > reach then 1 else 0 end)
          over (order by created_at, until) as island
      from ordered
    ), spans as (
      select min(created_at) as a, max(until) as b from islands group by island
    ), c as (
      select passed, answered_at, expires_at from challenges
      where session_id in (select id from s)
    )
    select
      (select min(created_at) from s) as first_at,
      (select sum(extract(epoch from (b - a)) * 1000)::float8 from spans) as live_ms,
      (select count(*)::int from c where passed) as passed,
      (select count(*)::int from c where passed = false) as failed,
      (select count(*)::int from c where answered_at is null and expires_at <= ${now}::timestamptz)
        as expired,
      (select count(distinct rs.network_key)::int
        from (select distinct receiver_session_id from receipts
          where uploader_viewer_id = ${viewerId}) as r
        join sessions rs on rs.id = r.receiver_session_id
        where rs.network_key not in (select network_key from s)) as networks`.execute(db);
  const row = rows[0];
  return {
    firstSessionAt: row?.first_at == null ? undefined : new Date(row.first_at).getTime(),
    liveMs: Number(row?.live_ms ?? 0),
    challengesPassed: row?.passed ?? 0,
    challengesFailed: row?.failed ?? 0,
    challengesExpired: row?.expired ?? 0,
    receiverNetworks: row?.networks ?? 0,
  };
}

/** The reputation of `viewerId` at `now` (0 for a viewer without sessions). */
export async function viewerReputation(
  db: Kysely<DB>,
  viewerId: string,
  now: Date,
): Promise<Reputation> {
  return reputationOf(await reputationFacts(db, viewerId, now), now.getTime());
}
