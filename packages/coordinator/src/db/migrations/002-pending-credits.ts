import { type Kysely, type Migration } from 'kysely';

/**
 * `pending_credits`: the receipt write path's only side table. A receipt batch inserts its
 * receipts and, in the same statement, one row per uploader session with the bytes it was just
 * credited; the credit roll-up (`credit-rollup.ts`) later moves those rows into
 * `sessions.credited_bytes` and `supporter_credits` and deletes them, in one transaction. The
 * counters therefore stay off the hot path, where every batch used to queue on the same busy
 * uploader rows. Reads that show credit add the rows still pending (`credit-reads.ts`).
 *
 * It also drops the receipts' two foreign keys to `sessions`. Each inserted receipt ran two
 * key checks, each a `FOR KEY SHARE` lock on a session row, and every batch locks the same busy
 * uploader rows (a multixact per row when batches overlap): about a sixth of the database's CPU
 * per receipt in the load test. The request checks both sessions itself just before the insert
 * (the receiver authenticates, the uploader is looked up), and sessions are never deleted, only
 * ended. `pending_credits` has no foreign keys for the same reason.
 *
 * No backfill: until this migration the counters were written with the receipts, so nothing is
 * pending.
 */
export const pendingCreditsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const column of ['receiver_session_id', 'uploader_session_id']) {
      await db.schema
        .alterTable('receipts')
        .dropConstraint(`receipts_${column}_fkey`)
        .ifExists()
        .execute();
    }
    await db.schema
      .createTable('pending_credits')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('session_id', 'text', (c) => c.notNull())
      .addColumn('viewer_id', 'text', (c) => c.notNull())
      .addColumn('bytes', 'bigint', (c) => c.notNull())
      .addColumn('receipts', 'integer', (c) => c.notNull())
      .addColumn('credited_at', 'timestamptz', (c) => c.notNull())
      .execute();
    // Exact reads between roll-ups look pending rows up by session and by viewer.
    await db.schema
      .createIndex('pending_credits_session_idx')
      .on('pending_credits')
      .column('session_id')
      .execute();
    await db.schema
      .createIndex('pending_credits_viewer_idx')
      .on('pending_credits')
      .columns(['viewer_id', 'credited_at'])
      .execute();
  },
};
