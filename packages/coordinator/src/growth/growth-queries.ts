/**
 * The reads behind a streamer's growth funnel (decision 42), over the streams of the scope and
 * a range `[from, to)`:
 *
 * - viewers: distinct viewer ids with a session of the scope live in the range
 *   (`sessions_stream_seen_idx`); every viewer starts anonymous, so this is the funnel's top.
 * - registered: of those, viewers with a viewer account (migration 015) made before `to`.
 * - engaged: viewers whose points earned on the scope's streams before `to` reach
 *   `ACCOUNT_PROMPT_POINTS` (100).
 * - served: viewers credited for serving the scope in the range, credit frozen by a hold left out
 *   (`receipts_stream_credited_idx`); a supporter is a served viewer whose reputation makes it
 *   payable (`growth-funnel.ts`), the test of a period close.
 * - referrals (migration 020): the scope's share rows made in the range that brought a viewer
 *   and were not refused, and of those the referees whose viewer-refers-viewer row qualified
 *   (it earned its own points) before `to`.
 */
import { ACCOUNT_PROMPT_POINTS } from '@streamrp2p/protocol';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/** The scope and range of a funnel. */
export interface GrowthRange {
  streamIds: readonly string[];
  from: Date;
  to: Date;
}

/** A viewer of the range credited for serving it, and the earlier stages it is in. */
export interface ServedViewer {
  viewerId: string;
  registered: boolean;
  engaged: boolean;
}

/** Counts of the first stages and the served viewers. */
export interface StageFacts {
  viewers: number;
  registered: number;
  engagedTotal: number;
  /** Registered and engaged. */
  engaged: number;
  served: ServedViewer[];
}

/** One statement: each viewer of the range with its stage flags, counted. */
export async function stageFacts(db: Kysely<DB>, range: GrowthRange): Promise<StageFacts> {
  const none: StageFacts = { viewers: 0, registered: 0, engagedTotal: 0, engaged: 0, served: [] };
  if (range.streamIds.length === 0) return none;
  const ids = [...range.streamIds];
  const { rows } = await sql<{
    viewer_id: string;
    registered: boolean;
    engaged: boolean;
    served: boolean;
  }>`
    with v as (
      select distinct s.viewer_id from sessions s
      where s.stream_id = any(${ids}::text[]) and s.last_seen_at >= ${range.from}
        and s.created_at < ${range.to}
    ), served as (
      select distinct r.uploader_viewer_id as viewer_id from receipts r
      where r.stream_id = any(${ids}::text[])
        and r.credited_at >= ${range.from} and r.credited_at < ${range.to}
        and not exists (
          select 1 from trust_hold_sessions hs join trust_holds h on h.id = hs.hold_id
          where hs.session_id = r.uploader_session_id and h.status in ('held', 'voided'))
    )
    select v.viewer_id,
      exists (select 1 from viewer_accounts a
        where a.viewer_id = v.viewer_id and a.created_at < ${range.to}) as registered,
      coalesce((select sum(p.points) from viewer_points p
        where p.viewer_id = v.viewer_id and p.stream_id = any(${ids}::text[])
          and p.created_at < ${range.to}), 0) >= ${ACCOUNT_PROMPT_POINTS} as engaged,
      served.viewer_id is not null as served
    from v left join served on served.viewer_id = v.viewer_id`.execute(db);
  const facts: StageFacts = { ...none, served: [] };
  for (const r of rows) {
    facts.viewers += 1;
    if (r.registered) facts.registered += 1;
    if (r.engaged) facts.engagedTotal += 1;
    if (r.registered && r.engaged) facts.engaged += 1;
    if (r.served) {
      facts.served.push({ viewerId: r.viewer_id, registered: r.registered, engaged: r.engaged });
    }
  }
  return facts;
}

/** The referral figures of a range. */
export interface ReferralFacts {
  referred: number;
  qualified: number;
}

/** Referees brought by the scope's share links in the range, and those that qualified. */
export async function referralFacts(db: Kysely<DB>, range: GrowthRange): Promise<ReferralFacts> {
  if (range.streamIds.length === 0) return { referred: 0, qualified: 0 };
  const { rows } = await sql<{ referred: number; qualified: number }>`
    with brought as (
      select distinct r.referee_viewer_id as viewer_id from referrals r
      where r.kind = 'share' and r.stream_id = any(${[...range.streamIds]}::text[])
        and r.created_at >= ${range.from} and r.created_at < ${range.to}
        and r.referee_viewer_id is not null and r.refusal is null
    )
    select count(*)::int as referred,
      count(*) filter (where exists (
        select 1 from referrals q where q.referee_viewer_id = b.viewer_id and q.kind = 'viewer'
          and q.qualified_at is not null and q.qualified_at < ${range.to}))::int as qualified
    from brought b`.execute(db);
  return { referred: rows[0]?.referred ?? 0, qualified: rows[0]?.qualified ?? 0 };
}
