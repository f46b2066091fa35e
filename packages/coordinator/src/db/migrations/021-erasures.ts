import { type Kysely, type Migration } from 'kysely';

/**
 * Erasures (issue 14, decision 45): one row per erased viewer, keyed by a SHA-256 of its viewer
 * id, never the id itself, so a repeated request answers "already erased" while the table names
 * nobody to a reader who does not already hold the id. The pseudonym the erasure wrote in the
 * kept rows is not recorded: nothing links them back to the viewer.
 */
export const erasuresMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('erasures')
      .addColumn('viewer_hash', 'text', (c) => c.primaryKey())
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('rows', 'integer', (c) => c.notNull())
      .addColumn('requests', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('erased_at', 'timestamptz', (c) => c.notNull())
      .addColumn('last_requested_at', 'timestamptz', (c) => c.notNull())
      .execute();
  },
};
