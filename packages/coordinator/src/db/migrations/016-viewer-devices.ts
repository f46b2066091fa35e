import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Viewer devices (issue 13, decision 39): signing in to a viewer account on another device
 * gives that device the account's viewer id and a secret of its own, so each device proves the
 * viewer the one way sessions already do (`proveViewer`) and each can be signed out alone.
 *
 * - `viewer_devices`: the SHA-256 of each device's viewer secret; `revoked_at` set at sign-out.
 * - `sessions.viewer_device_id`: the device whose secret verified the session (null for the
 *   viewer's own secret of migration 014), so signing a device out unverifies its sessions.
 * - `follows_streamer_idx`: the follower count of a streamer.
 * - `viewer_points_follow_idx`: whether a viewer was ever paid for following (once ever).
 */
export const viewerDevicesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('viewer_devices')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('viewer_id', 'text', (c) => c.notNull().references('viewers.viewer_id'))
      .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('last_used_at', 'timestamptz')
      .addColumn('revoked_at', 'timestamptz')
      .execute();
    await db.schema
      .createIndex('viewer_devices_viewer_idx')
      .on('viewer_devices')
      .column('viewer_id')
      .execute();
    // No foreign key: every session insert would pay its check, and most sessions have none.
    await db.schema.alterTable('sessions').addColumn('viewer_device_id', 'text').execute();
    await db.schema
      .createIndex('sessions_viewer_device_idx')
      .on('sessions')
      .column('viewer_device_id')
      .where(sql.ref('viewer_device_id'), 'is not', null)
      .execute();
    await db.schema
      .createIndex('follows_streamer_idx')
      .on('follows')
      .column('streamer_id')
      .execute();
    await db.schema
      .createIndex('viewer_points_follow_idx')
      .on('viewer_points')
      .columns(['viewer_id', 'stream_id'])
      .where(sql.ref('action'), '=', 'follow_streamer')
      .execute();
  },
};
