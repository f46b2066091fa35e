/**
 * Social proof from the credit the roll-up committed (`sessions.credited_bytes`, decision 41):
 * a viewer's first payable credit in a stream ("X is now helping power this stream") and each
 * whole GB a stream's viewers served each other. Payable here means not frozen by a hold (held
 * or voided, `trust/holds.ts`; a released hold counts again), as the supporter count reads it.
 *
 * Only streams and viewers with a session seen within {@link LOOKBACK_MS} are looked at, so a
 * run reads the live audience, not the history: credit reaches the counters within a roll-up
 * interval of a session being seen. Sessions are read stream by stream through
 * `sessions_stream_seen_idx` (stream, last seen), as the metrics job reads its live audience.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { NewCommunityEvent } from './community-store.js';
import { communityText, wholeGigabytes } from './community-text.js';

/** How far back a session must have been seen for its credit to be looked at. */
export const LOOKBACK_MS = 60 * 60 * 1000;

/** Milestones produced at most per stream and run: a stream first seen far past 1 GB (an old
 * stream when this shipped) announces its last few, not hundreds. */
export const MAX_MILESTONES_PER_RUN = 3;

/** Sessions whose credit no hold freezes (`s` is the session). */
const NOT_FROZEN = sql`not exists (
  select 1 from trust_hold_sessions hs join trust_holds h on h.id = hs.hold_id
  where hs.session_id = s.id and h.status <> 'released'
)`;

/** The key of a viewer's first-credit event in a stream: one per viewer and stream, ever. */
export const supporterKey = (streamId: string, viewerId: string) =>
  `supporter:${streamId}:${viewerId}`;

/** "X is now helping power this stream" for each viewer credited in a stream for the first time. */
export async function newSupporters(db: Kysely<DB>, now: Date): Promise<NewCommunityEvent[]> {
  const since = new Date(now.getTime() - LOOKBACK_MS);
  const { rows } = await sql<{
    stream_id: string;
    streamer_id: string;
    viewer_id: string;
    display_name: string | null;
  }>`
    select s.stream_id, st.streamer_id, s.viewer_id, va.display_name
    from streams st
    cross join lateral (
      select x.id, x.stream_id, x.viewer_id from sessions x
      where x.stream_id = st.id and x.last_seen_at >= ${since} and x.credited_bytes > 0
    ) s
    left join viewer_accounts va on va.viewer_id = s.viewer_id
    where st.deleted_at is null and ${NOT_FROZEN}
      and not exists (
        select 1 from community_events e
        where e.key = 'supporter:' || s.stream_id || ':' || s.viewer_id
      )
    group by s.stream_id, st.streamer_id, s.viewer_id, va.display_name
    order by s.stream_id, s.viewer_id`.execute(db);
  return rows.map((r) => ({
    key: supporterKey(r.stream_id, r.viewer_id),
    kind: 'supporter_joined',
    streamId: r.stream_id,
    streamerId: r.streamer_id,
    text: communityText.supporterJoined(r.display_name),
    data: { name: r.display_name === null ? null : r.display_name.trim() || null },
  }));
}

/** Each whole GB of payable verified bytes a recently active stream crossed, not yet announced. */
export async function newMilestones(db: Kysely<DB>, now: Date): Promise<NewCommunityEvent[]> {
  const since = new Date(now.getTime() - LOOKBACK_MS);
  const { rows } = await sql<{
    stream_id: string;
    streamer_id: string;
    bytes: number;
    announced: number;
  }>`
    with active as (
      select st.id as stream_id from streams st
      where st.deleted_at is null and exists (
        select 1 from sessions x
        where x.stream_id = st.id and x.last_seen_at >= ${since} and x.credited_bytes > 0
      )
    )
    select a.stream_id, st.streamer_id,
      coalesce((
        select sum(s.credited_bytes) from sessions s where s.stream_id = a.stream_id and ${NOT_FROZEN}
      ), 0)::bigint as bytes,
      coalesce((
        select max((e.data::jsonb ->> 'gigabytes')::bigint) from community_events e
        where e.stream_id = a.stream_id and e.kind = 'data_milestone'
      ), 0)::bigint as announced
    from active a
    join streams st on st.id = a.stream_id
    order by a.stream_id`.execute(db);
  const events: NewCommunityEvent[] = [];
  for (const row of rows) {
    const reached = wholeGigabytes(Number(row.bytes));
    const from = Math.max(Number(row.announced), reached - MAX_MILESTONES_PER_RUN);
    for (let gigabytes = from + 1; gigabytes <= reached; gigabytes++) {
      events.push({
        key: `milestone:${row.stream_id}:${gigabytes}`,
        kind: 'data_milestone',
        streamId: row.stream_id,
        streamerId: row.streamer_id,
        text: communityText.dataMilestone(gigabytes),
        data: { gigabytes, bytes: gigabytes * 1_000_000_000 },
      });
    }
  }
  return events;
}
