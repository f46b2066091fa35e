import { type Kysely, type Migration } from 'kysely';

/**
 * Viewer accounts (issue 13): an anonymous viewer (a `viewers` row, migration 014) claims an
 * account with an email and password and keeps its viewer id, so its points, history and
 * supporter credit stay where they are; signing in on another device hands that device the same
 * viewer id. One account per viewer id and per email (trimmed, lower-cased). `display_name` is
 * what chat, squads and leaderboards show instead of the viewer id.
 */
export const viewerAccountsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('viewer_accounts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('viewer_id', 'text', (c) => c.notNull().unique().references('viewers.viewer_id'))
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('last_sign_in_at', 'timestamptz')
      .execute();
  },
};
