import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The latency part of reputation (decision 30) reads, for each supporter, the delivery times of
 * its most recent receipts that have one. This partial index holds exactly those receipts, in
 * that order and with the time, so the read is an index-only scan of at most 500 entries per
 * supporter instead of a heap fetch per receipt: a period close reading 10,000 supporters over
 * a million receipts stays well under a second for this part (`bench/coordinator/
 * reputation-facts.ts`). Receipts without a delivery time (older SDKs) cost the index nothing.
 */
export const reputationIndexesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createIndex('receipts_uploader_delivery_idx')
      .on('receipts')
      .columns(['uploader_viewer_id', 'credited_at desc', 'id desc', 'delivery_ms'])
      .where(sql.ref('delivery_ms'), 'is not', null)
      .execute();
  },
};
