import { type Kysely, type Migration } from 'kysely';

/**
 * Viewer secrets (decision 36): a viewer id is chosen by the client (a stored anonymous UUID or
 * a site's account id), so knowing one must not be enough to read a supporter's statements or
 * redirect its payouts. `viewers` holds the SHA-256 of a secret the coordinator answers once,
 * when it first sees the viewer; a session that presents it (or that created the viewer) is
 * `viewer_verified`, and only verified sessions authenticate as the viewer. Sessions from
 * before this migration are unverified; a viewer without a row gets one at its next session.
 */
export const viewerSecretsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('viewers')
      .addColumn('viewer_id', 'text', (c) => c.primaryKey())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema
      .alterTable('sessions')
      .addColumn('viewer_verified', 'boolean', (c) => c.notNull().defaultTo(false))
      .execute();
  },
};
