import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Leaderboards and the growth funnel (issue 13, decision 42).
 *
 * - `viewer_points_stream_idx` (stream, time, viewer, points): a stream's points in a window,
 *   summed per viewer, read from the index alone (the existing point indexes lead with the
 *   viewer or the address).
 * - `leaderboard_settings`: the salt of the public pseudonyms ("Viewer 3f2a9c"), made once here
 *   so every coordinator process and restart names a viewer alike, while nobody who knows a
 *   viewer id can compute its pseudonym.
 *
 * Data served and the funnel's supporters read receipts through `receipts_stream_credited_idx`
 * (migration 008), uptime and the funnel's viewers sessions through `sessions_stream_seen_idx`
 * (migration 006).
 */
export const leaderboardIndexesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createIndex('viewer_points_stream_idx')
      .on('viewer_points')
      .columns(['stream_id', 'created_at', 'viewer_id', 'points'])
      .execute();
    await db.schema
      .createTable('leaderboard_settings')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
    await sql`insert into leaderboard_settings (name, value)
      values ('pseudonym_salt', ${randomBytes(32).toString('hex')})`.execute(db);
  },
};
