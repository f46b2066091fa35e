import { type Kysely, type Migration } from 'kysely';

/**
 * Points per viewer identity (decision 26):
 * - `point_balances.watch_ms` and `watched_until`: the viewer's watch-time budget across all its
 *   sessions, so watch time never runs faster than the wall clock however many sessions a viewer
 *   opens (`watched_until` is how far the viewer's accepted watch time has reached).
 * - `viewer_points.address_key`: the address an award was earned from, for the per-address daily
 *   caps, with indexes for the per-viewer and per-address counts of one action in a day.
 * - an index of sessions by stream and last sight, for the live audience of a stream.
 *
 * No backfill: balances start their budget at the next heartbeat; earlier awards count under an
 * empty address key, which no cap reads.
 */
export const pointsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('point_balances')
      .addColumn('watch_ms', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('watched_until', 'timestamptz')
      .execute();
    await db.schema
      .alterTable('viewer_points')
      .addColumn('address_key', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema
      .createIndex('viewer_points_daily_idx')
      .on('viewer_points')
      .columns(['viewer_id', 'action', 'created_at'])
      .execute();
    await db.schema
      .createIndex('viewer_points_address_idx')
      .on('viewer_points')
      .columns(['address_key', 'action', 'created_at'])
      .execute();
    await db.schema
      .createIndex('sessions_stream_seen_idx')
      .on('sessions')
      .columns(['stream_id', 'last_seen_at'])
      .execute();
  },
};
