import { type Kysely, type Migration } from 'kysely';

/**
 * Per-stream time series (decision 33).
 *
 * - `stream_metrics_minute`: one row per stream and UTC minute. The usage counters (`cdn_*`,
 *   `reported_p2p_*`, `stalls`, `usage_reports`) are added by one upsert per usage report, in
 *   the minute it arrived; `p2p_bytes`, `viewers` and `supporters` are set by the metrics job
 *   for finished minutes from receipts and sessions (recomputing gives the same row).
 * - `stream_metrics_hour`: minutes older than the retention, rolled up (sums; viewers and
 *   supporters are the largest minute's) and deleted in the same transaction.
 * - `stream_supporter_hours`: bytes each supporter (uploading viewer) was credited per stream
 *   and hour, set by the job from receipts: the top supporters of a range read these, not the
 *   receipts. Kept with the hours.
 * - `metrics_state`: the job's watermark, the first minute not yet computed.
 */
export const streamMetricsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const table of ['stream_metrics_minute', 'stream_metrics_hour']) {
      await db.schema
        .createTable(table)
        .addColumn('stream_id', 'text', (c) => c.notNull())
        .addColumn('bucket_start', 'timestamptz', (c) => c.notNull())
        .addColumn('p2p_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('cdn_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('cdn_segments', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('reported_p2p_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('reported_p2p_segments', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('viewers', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('supporters', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('stalls', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('usage_reports', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint(`${table}_pk`, ['stream_id', 'bucket_start'])
        .execute();
    }
    await db.schema
      .createTable('stream_supporter_hours')
      .addColumn('stream_id', 'text', (c) => c.notNull())
      .addColumn('bucket_start', 'timestamptz', (c) => c.notNull())
      .addColumn('viewer_id', 'text', (c) => c.notNull())
      .addColumn('bytes', 'bigint', (c) => c.notNull())
      .addColumn('receipts', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('stream_supporter_hours_pk', [
        'stream_id',
        'bucket_start',
        'viewer_id',
      ])
      .execute();
    await db.schema
      .createTable('metrics_state')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('computed_until', 'timestamptz', (c) => c.notNull())
      .execute();
    // Range scans of the roll-up (all streams, oldest minutes first).
    await db.schema
      .createIndex('stream_metrics_minute_bucket_idx')
      .on('stream_metrics_minute')
      .column('bucket_start')
      .execute();
  },
};
