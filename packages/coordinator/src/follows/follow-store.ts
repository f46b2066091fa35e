/** Follows (migration 001): who follows a streamer, and the count the player and studio show. */
import { sql, type Kysely } from 'kysely';
import type { FollowedStreamer } from '@streamrp2p/protocol/api-schemas';
import type { DB } from '../db/schema.js';

/** The most follows a list answers. */
export const MAX_FOLLOWS_LISTED = 1000;

/** Viewers following `streamerId` now. */
export async function followerCount(db: Kysely<DB>, streamerId: string): Promise<number> {
  const { count } = await db
    .selectFrom('follows')
    .select(sql<number>`count(*)::int4`.as('count'))
    .where('streamer_id', '=', streamerId)
    .executeTakeFirstOrThrow();
  return count;
}

/** Records that `viewerId` follows `streamerId` (kept as it was if it did already). */
export async function follow(
  db: Kysely<DB>,
  viewerId: string,
  streamerId: string,
  now: Date,
): Promise<Date> {
  await db
    .insertInto('follows')
    .values({ viewer_id: viewerId, streamer_id: streamerId, created_at: now })
    .onConflict((oc) => oc.columns(['viewer_id', 'streamer_id']).doNothing())
    .execute();
  const row = await db
    .selectFrom('follows')
    .select('created_at')
    .where('viewer_id', '=', viewerId)
    .where('streamer_id', '=', streamerId)
    .executeTakeFirstOrThrow();
  return row.created_at;
}

/** The streamers `viewerId` follows, newest first. */
export async function followedStreamers(
  db: Kysely<DB>,
  viewerId: string,
): Promise<FollowedStreamer[]> {
  const rows = await db
    .selectFrom('follows')
    .innerJoin('streamers', 'streamers.id', 'follows.streamer_id')
    .select(['follows.streamer_id', 'streamers.name', 'follows.created_at'])
    .where('follows.viewer_id', '=', viewerId)
    .orderBy('follows.created_at', 'desc')
    .limit(MAX_FOLLOWS_LISTED)
    .execute();
  return rows.map((row) => ({
    streamerId: row.streamer_id,
    name: row.name,
    followedAt: row.created_at.toISOString(),
  }));
}
