import { type Kysely, type Migration } from 'kysely';

/**
 * Holds for review (`trust/`): a group of uploader sessions the collusion job flagged, the
 * reasons it recorded, and the reviewer's decision. A hold freezes the credit of its sessions
 * (rolled up or pending, now and later) without touching the ledger: payable and frozen bytes
 * are views over `sessions.credited_bytes`, `pending_credits` and these rows. A session is in at
 * most one hold, ever (the primary key), so two coordinators' jobs cannot hold it twice and a
 * released session is not flagged again for the same evidence.
 *
 * Also two receipt indexes the trust reads need: by credit time (the job's window) and by
 * uploader viewer (the diversity part of reputation).
 */
export const trustMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('trust_holds')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('stream_id', 'text', (c) => c.notNull())
      // 'held', then 'released' or 'voided' by a reviewer.
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('score', 'integer', (c) => c.notNull())
      // JSON array of `{ code, message }`.
      .addColumn('reasons', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('decided_at', 'timestamptz')
      .execute();
    await db.schema
      .createIndex('trust_holds_status_idx')
      .on('trust_holds')
      .columns(['status', 'created_at'])
      .execute();
    await db.schema
      .createTable('trust_hold_sessions')
      .addColumn('session_id', 'text', (c) => c.primaryKey())
      .addColumn('hold_id', 'text', (c) => c.notNull().references('trust_holds.id'))
      .addColumn('viewer_id', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('trust_hold_sessions_hold_idx')
      .on('trust_hold_sessions')
      .column('hold_id')
      .execute();
    await db.schema
      .createIndex('trust_hold_sessions_viewer_idx')
      .on('trust_hold_sessions')
      .column('viewer_id')
      .execute();
    await db.schema
      .createIndex('receipts_credited_idx')
      .on('receipts')
      .column('credited_at')
      .execute();
    await db.schema
      .createIndex('receipts_uploader_viewer_idx')
      .on('receipts')
      .columns(['uploader_viewer_id', 'receiver_session_id'])
      .execute();
  },
};
