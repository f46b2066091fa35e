/**
 * Reads the facts of reputations (`reputation.ts`): for one viewer (the credit and session
 * routes) or for many at once (a period close), with the same statement, so both agree.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import {
  REPUTATION_SCALES,
  reputationOf,
  type Reputation,
  type ReputationFacts,
} from './reputation.js';

interface FactsRow {
  viewer_id: string;
  first_at: Date | string | null;
  live_ms: number | null;
  passed: number | null;
  failed: number | null;
  expired: number | null;
  verified: number | null;
  delivery_median_ms: number | null;
  networks: number | null;
}

/** A viewer without sessions, challenges or receipts. */
const NO_FACTS: ReputationFacts = Object.freeze({
  firstSessionAt: undefined,
  liveMs: 0,
  challengesPassed: 0,
  challengesFailed: 0,
  challengesExpired: 0,
  receiptsVerified: 0,
  deliveryMedianMs: undefined,
  receiverNetworks: 0,
});

/**
 * Above this many viewers PostgreSQL would JIT-compile the facts statement (its estimated cost
 * passes `jit_above_cost`): about 0.8 s of compiling for 10,000 viewers, more than it saves.
 */
const JIT_FREE_VIEWERS = 100;

/**
 * Runs `read` with JIT off: in the caller's transaction (restoring the setting after), or in a
 * transaction of its own. `set local` needs one; PGlite has the setting and no JIT, so it is
 * harmless there.
 */
async function withoutJit<T>(db: Kysely<DB>, read: (db: Kysely<DB>) => Promise<T>): Promise<T> {
  if (!db.isTransaction) return db.transaction().execute((trx) => withoutJit(trx, read));
  const { rows } = await sql<{ jit: string }>`select current_setting('jit') as jit`.execute(db);
  await sql`set local jit = off`.execute(db);
  const result = await read(db);
  await sql`select set_config('jit', ${rows[0]?.jit ?? 'on'}, true)`.execute(db);
  return result;
}

/**
 * The facts of each of `viewerIds` at `now`, in one statement whatever their number (with JIT
 * off for large sets: three more around it). Live time
 * is the union of a viewer's sessions' intervals (gaps and islands over the intervals sorted by
 * start, per viewer), so parallel sessions count the wall clock once. Sessions and challenges
 * are read for all viewers at once; receipts per viewer (lateral), each an index-only range:
 * the count and the receiver sessions through `receipts_uploader_viewer_idx`, the newest
 * delivery times through `receipts_uploader_delivery_idx` (migration 009). On PostgreSQL,
 * 10,000 viewers over a million receipts take about a second
 * (`bench/coordinator/reputation-facts.ts`).
 */
export async function reputationFactsOf(
  db: Kysely<DB>,
  viewerIds: readonly string[],
  now: Date,
): Promise<Map<string, ReputationFacts>> {
  const ids = [...new Set(viewerIds)];
  const facts = new Map<string, ReputationFacts>();
  if (ids.length === 0) return facts;
  const read = (q: Kysely<DB>) =>
    sql<FactsRow>`
    with v as (
      select unnest(${ids}::text[]) as viewer_id
    ), s as (
      select viewer_id, id, network_key, created_at,
        greatest(created_at, least(coalesce(ended_at, last_seen_at), ${now}::timestamptz)) as until
      from sessions where viewer_id = any(${ids}::text[])
    ), ordered as (
      select viewer_id, created_at, until,
        max(until) over (partition by viewer_id order by created_at, until
          rows between unbounded preceding and 1 preceding) as reach
      from s
    ), islands as (
      select viewer_id, created_at, until,
        sum(case when reach is null or created_at > reach then 1 else 0 end)
          over (partition by viewer_id order by created_at, until) as island
      from ordered
    ), spans as (
      select viewer_id, min(created_at) as a, max(until) as b
      from islands group by viewer_id, island
    ), live as (
      select viewer_id, sum(extract(epoch from (b - a)) * 1000)::float8 as live_ms,
        min(a) as first_at
      from spans group by viewer_id
    ), c as (
      select s.viewer_id,
        count(*) filter (where c.passed)::float8 as passed,
        count(*) filter (where c.passed = false)::float8 as failed,
        count(*) filter (where c.answered_at is null and c.expires_at <= ${now}::timestamptz)
          ::float8 as expired
      from challenges c join s on s.id = c.session_id
      group by s.viewer_id
    )
    select v.viewer_id, live.first_at, live.live_ms, c.passed, c.failed, c.expired,
      r.verified, lat.delivery_median_ms, n.networks
    from v
      left join live on live.viewer_id = v.viewer_id
      left join c on c.viewer_id = v.viewer_id
      cross join lateral (
        select array_agg(network_key) as networks from sessions where viewer_id = v.viewer_id
      ) own
      cross join lateral (
        select count(*)::float8 as verified from receipts where uploader_viewer_id = v.viewer_id
      ) r
      cross join lateral (
        select count(distinct rs.network_key)
            filter (where not rs.network_key = any(coalesce(own.networks, '{}'::text[])))
            ::float8 as networks
        from (select distinct receiver_session_id from receipts
          where uploader_viewer_id = v.viewer_id) d
        join sessions rs on rs.id = d.receiver_session_id
      ) n
      cross join lateral (
        select percentile_cont(0.5) within group (order by d.delivery_ms)::float8
          as delivery_median_ms
        from (
          select delivery_ms from receipts
          where uploader_viewer_id = v.viewer_id and delivery_ms is not null
          order by credited_at desc, id desc
          limit ${REPUTATION_SCALES.latencySampleReceipts}
        ) d
      ) lat`.execute(q);
  const { rows } = ids.length > JIT_FREE_VIEWERS ? await withoutJit(db, read) : await read(db);
  for (const row of rows) {
    facts.set(row.viewer_id, {
      firstSessionAt: row.first_at == null ? undefined : new Date(row.first_at).getTime(),
      liveMs: Number(row.live_ms ?? 0),
      challengesPassed: Number(row.passed ?? 0),
      challengesFailed: Number(row.failed ?? 0),
      challengesExpired: Number(row.expired ?? 0),
      receiptsVerified: Number(row.verified ?? 0),
      deliveryMedianMs: row.delivery_median_ms == null ? undefined : Number(row.delivery_median_ms),
      receiverNetworks: Number(row.networks ?? 0),
    });
  }
  for (const id of ids) if (!facts.has(id)) facts.set(id, { ...NO_FACTS });
  return facts;
}

/** The facts of `viewerId` at `now`. */
export async function reputationFacts(
  db: Kysely<DB>,
  viewerId: string,
  now: Date,
): Promise<ReputationFacts> {
  return (await reputationFactsOf(db, [viewerId], now)).get(viewerId) ?? { ...NO_FACTS };
}

/** The reputation of `viewerId` at `now` (0 for a viewer without sessions). */
export async function viewerReputation(
  db: Kysely<DB>,
  viewerId: string,
  now: Date,
): Promise<Reputation> {
  return reputationOf(await reputationFacts(db, viewerId, now), now.getTime());
}

/**
 * The reputation of each of `viewerIds` at `now`, in a constant number of statements,
 * with the first session of each (the account age the monthly earnings cap grows with).
 *
 * @example
 * const reputations = await reputationsOf(db, ['viewer-1', 'viewer-2'], new Date());
 * reputations.get('viewer-1')?.reputation; // 0..1
 */
export async function reputationsOf(
  db: Kysely<DB>,
  viewerIds: readonly string[],
  now: Date,
): Promise<Map<string, Reputation & { firstSessionAt: number | undefined }>> {
  const out = new Map<string, Reputation & { firstSessionAt: number | undefined }>();
  for (const [id, facts] of await reputationFactsOf(db, viewerIds, now)) {
    out.set(id, { ...reputationOf(facts, now.getTime()), firstSessionAt: facts.firstSessionAt });
  }
  return out;
}
