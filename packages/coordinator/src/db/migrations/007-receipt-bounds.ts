import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The physical bounds on credit (decision 23):
 * - `credit_bounds`: one row per session that posted or was named in a receipt batch, with the
 *   bytes it was credited as receiver and as uploader and when it was first credited as
 *   uploader. A receipt batch locks the rows of its receiver and uploaders (in id order) and
 *   adds to them in its one insert statement, so concurrent batches cannot together pass a
 *   bound. The rows are apart from `sessions`, which authentication and the credit roll-up
 *   write, so these locks never wait on (or deadlock with) them. `stream_id` and `address_key`
 *   are copied from the session for the supporter-per-address rule, whose partial index holds
 *   only sessions that uploaded. `published_bytes` caches the receiver's window sum (below): it
 *   only grows, so a batch that fits under the cached figure skips the sum.
 * - an index of segment roots by stream and indexing time, so "bytes each rendition published
 *   since the receiver's session began" is an index-only range scan.
 *
 * No backfill: sessions from before start with empty counters, which only loosens their bounds.
 */
export const receiptBoundsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('credit_bounds')
      .addColumn('session_id', 'text', (c) => c.primaryKey())
      .addColumn('stream_id', 'text', (c) => c.notNull())
      .addColumn('address_key', 'text', (c) => c.notNull())
      .addColumn('received_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('uploaded_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('first_uploaded_at', 'timestamptz')
      .addColumn('published_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex('credit_bounds_uploaders_idx')
      .on('credit_bounds')
      .columns(['stream_id', 'address_key', 'first_uploaded_at'])
      .where(sql.ref('first_uploaded_at'), 'is not', null)
      .execute();
    await db.schema
      .createIndex('segment_roots_published_idx')
      .on('segment_roots')
      .columns(['stream_id', 'indexed_at', 'rendition', 'byte_length'])
      .execute();
  },
};
