/**
 * Support squads (decision 41): a viewer joins or leaves a streamer's squad; the squad's figures
 * come from the same tables as credit and points. A join is announced ("X joined the support
 * squad") at most once per viewer, squad and UTC day: the event's key carries the day, so
 * leaving and joining again the same day records nothing new and emits nothing.
 */
import { sql, type Kysely } from 'kysely';
import type { SquadStatsResponse } from '@streamrp2p/protocol/api-schemas';
import { costSavedMicros } from '../analytics/analytics-routes.js';
import type { DB } from '../db/schema.js';
import { reputationsOf } from '../trust/viewer-reputation.js';
import type { CommunityEvents } from './community-events.js';
import { produceEvents } from './community-store.js';
import { communityText } from './community-text.js';

/** The key of a join's announcement: one per viewer, squad and UTC day. */
export const squadJoinKey = (streamerId: string, viewerId: string, at: Date) =>
  `squad:${streamerId}:${viewerId}:${at.toISOString().slice(0, 10)}`;

/** What a join did. */
export interface JoinResult {
  joinedAt: Date;
  /** False when the viewer was a member already. */
  joined: boolean;
  /** Whether this join was announced (false for a second join the same day). */
  announced: boolean;
}

/** Adds `viewerId` to the squad of the stream's streamer; announces it in that stream. */
export async function joinSquad(
  db: Kysely<DB>,
  bus: CommunityEvents,
  stream: { id: string; streamer_id: string },
  viewerId: string,
  now: Date,
): Promise<JoinResult> {
  const inserted = await db
    .insertInto('squad_members')
    .values({ streamer_id: stream.streamer_id, viewer_id: viewerId, joined_at: now })
    .onConflict((oc) => oc.columns(['streamer_id', 'viewer_id']).doNothing())
    .returning('joined_at')
    .executeTakeFirst();
  if (inserted === undefined) {
    const member = await membership(db, stream.streamer_id, viewerId);
    return { joinedAt: member ?? now, joined: false, announced: false };
  }
  const account = await db
    .selectFrom('viewer_accounts')
    .select('display_name')
    .where('viewer_id', '=', viewerId)
    .executeTakeFirst();
  const name = account?.display_name ?? null;
  const produced = await produceEvents(
    db,
    bus,
    [
      {
        key: squadJoinKey(stream.streamer_id, viewerId, now),
        kind: 'squad_joined',
        streamId: stream.id,
        streamerId: stream.streamer_id,
        text: communityText.squadJoined(name),
        data: { name: name === null ? null : name.trim() || null },
      },
    ],
    now,
  );
  return { joinedAt: inserted.joined_at, joined: true, announced: produced.length > 0 };
}

/** Removes `viewerId` from the squad; false when it was no member. */
export async function leaveSquad(
  db: Kysely<DB>,
  streamerId: string,
  viewerId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('squad_members')
    .where('streamer_id', '=', streamerId)
    .where('viewer_id', '=', viewerId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** When `viewerId` joined the squad, or undefined when it is no member. */
export async function membership(
  db: Kysely<DB>,
  streamerId: string,
  viewerId: string,
): Promise<Date | undefined> {
  const row = await db
    .selectFrom('squad_members')
    .select('joined_at')
    .where('streamer_id', '=', streamerId)
    .where('viewer_id', '=', viewerId)
    .executeTakeFirst();
  return row?.joined_at;
}

/** Members of a squad. */
export async function squadSize(db: Kysely<DB>, streamerId: string): Promise<number> {
  const row = await db
    .selectFrom('squad_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('streamer_id', '=', streamerId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The squad's figures at `now`: its members' payable credit in the streamer's streams (as the
 * viewer credit route reads payable: each session's rolled-up counter plus its pending rows,
 * frozen sessions left out, and nothing of a viewer below the payable reputation), the CDN cost
 * that saved, their mean uptime part of reputation, and the points they earned in the
 * streamer's streams.
 */
export async function squadStats(
  db: Kysely<DB>,
  config: { cdnCostMicrosPerGb: number; currency: string; payableReputation: number },
  streamerId: string,
  now: Date,
): Promise<SquadStatsResponse> {
  const members = await db
    .selectFrom('squad_members')
    .select('viewer_id')
    .where('streamer_id', '=', streamerId)
    .orderBy('viewer_id')
    .execute();
  const { rows: credit } = await sql<{ viewer_id: string; bytes: number }>`
    select m.viewer_id, sum(s.credited_bytes
      + coalesce((select sum(p.bytes) from pending_credits p where p.session_id = s.id), 0)
    )::bigint as bytes
    from squad_members m
    join sessions s on s.viewer_id = m.viewer_id
    join streams st on st.id = s.stream_id and st.streamer_id = m.streamer_id
    where m.streamer_id = ${streamerId}
      and not exists (
        select 1 from trust_hold_sessions hs join trust_holds h on h.id = hs.hold_id
        where hs.session_id = s.id and h.status <> 'released'
      )
    group by m.viewer_id`.execute(db);
  const { rows: points } = await sql<{ points: number }>`
    select coalesce(sum(vp.points), 0)::bigint as points
    from squad_members m
    join viewer_points vp on vp.viewer_id = m.viewer_id
    join streams st on st.id = vp.stream_id and st.streamer_id = m.streamer_id
    where m.streamer_id = ${streamerId}`.execute(db);
  const reputations = await reputationsOf(
    db,
    members.map((m) => m.viewer_id),
    now,
  );
  let bytes = 0;
  for (const row of credit) {
    const reputation = reputations.get(row.viewer_id)?.reputation ?? 0;
    if (reputation >= config.payableReputation) bytes += Number(row.bytes);
  }
  let uptime = 0;
  for (const r of reputations.values()) uptime += r.parts.uptime;
  return {
    streamerId,
    members: members.length,
    dataServedBytes: bytes,
    savingsMicros: costSavedMicros(bytes, config.cdnCostMicrosPerGb),
    currency: config.currency,
    averageUptime:
      members.length === 0 ? 0 : Math.round((uptime / members.length) * 10_000) / 10_000,
    points: Number(points[0]?.points ?? 0),
  };
}

/** Notifications shown at most per list. */
export const MAX_NOTIFICATIONS = 100;

/** The squad's join announcements, newest first (a member's since it joined). */
export async function squadNotifications(
  db: Kysely<DB>,
  streamerId: string,
  since?: Date,
): Promise<Array<{ id: string; streamId: string; text: string; at: string }>> {
  let query = db
    .selectFrom('community_events')
    .select(['id', 'stream_id', 'text', 'created_at'])
    .where('streamer_id', '=', streamerId)
    .where('kind', '=', 'squad_joined');
  if (since !== undefined) query = query.where('created_at', '>=', since);
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(MAX_NOTIFICATIONS)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    streamId: r.stream_id,
    text: r.text,
    at: r.created_at.toISOString(),
  }));
}
