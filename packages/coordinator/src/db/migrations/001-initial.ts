import { type Kysely, type Migration } from 'kysely';

/** The core tables: streams, segment roots, sessions, receipts, challenges, points. */
export const initialMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('streamers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('api_key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('streams')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('streamer_id', 'text', (c) => c.notNull().references('streamers.id'))
      .addColumn('hls_url', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .addColumn('deleted_at', 'timestamptz')
      .execute();
    await db.schema
      .createIndex('streams_streamer_idx')
      .on('streams')
      .column('streamer_id')
      .execute();

    await db.schema
      .createTable('renditions')
      .addColumn('stream_id', 'text', (c) => c.notNull().references('streams.id'))
      .addColumn('rendition', 'text', (c) => c.notNull())
      .addColumn('playlist_url', 'text', (c) => c.notNull())
      .addColumn('discovered_at', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('renditions_pk', ['stream_id', 'rendition'])
      .execute();

    await db.schema
      .createTable('segment_roots')
      .addColumn('stream_id', 'text', (c) => c.notNull().references('streams.id'))
      .addColumn('rendition', 'text', (c) => c.notNull())
      .addColumn('sequence', 'bigint', (c) => c.notNull())
      .addColumn('root', 'text', (c) => c.notNull())
      .addColumn('byte_length', 'bigint', (c) => c.notNull())
      .addColumn('indexed_at', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('segment_roots_pk', ['stream_id', 'rendition', 'sequence'])
      .execute();

    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('stream_id', 'text', (c) => c.notNull().references('streams.id'))
      .addColumn('viewer_id', 'text', (c) => c.notNull())
      .addColumn('peer_id', 'text', (c) => c.notNull().unique())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
      .addColumn('ip', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
      .addColumn('ended_at', 'timestamptz')
      .addColumn('credited_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('challenges_passed', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('challenges_failed', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('watch_ms', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex('sessions_viewer_idx')
      .on('sessions')
      .columns(['viewer_id', 'stream_id'])
      .execute();

    await db.schema
      .createTable('receipts')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('stream_id', 'text', (c) => c.notNull())
      .addColumn('rendition', 'text', (c) => c.notNull())
      .addColumn('sequence', 'bigint', (c) => c.notNull())
      .addColumn('receiver_viewer_id', 'text', (c) => c.notNull())
      .addColumn('receiver_session_id', 'text', (c) => c.notNull().references('sessions.id'))
      .addColumn('uploader_session_id', 'text', (c) => c.notNull().references('sessions.id'))
      .addColumn('uploader_viewer_id', 'text', (c) => c.notNull())
      .addColumn('byte_length', 'bigint', (c) => c.notNull())
      .addColumn('signed_at', 'double precision', (c) => c.notNull())
      .addColumn('credited_at', 'timestamptz', (c) => c.notNull())
      // One credit per receiving viewer and segment, whatever the concurrency.
      .addUniqueConstraint('receipts_once', [
        'receiver_viewer_id',
        'stream_id',
        'rendition',
        'sequence',
      ])
      .execute();
    await db.schema
      .createIndex('receipts_uploader_idx')
      .on('receipts')
      .columns(['uploader_session_id', 'credited_at'])
      .execute();

    await db.schema
      .createTable('supporter_credits')
      .addColumn('viewer_id', 'text', (c) => c.primaryKey())
      .addColumn('credited_bytes', 'bigint', (c) => c.notNull())
      .addColumn('last_credited_at', 'timestamptz', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('challenges')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
      .addColumn('stream_id', 'text', (c) => c.notNull())
      .addColumn('rendition', 'text', (c) => c.notNull())
      .addColumn('sequence', 'bigint', (c) => c.notNull())
      .addColumn('leaf_index', 'integer', (c) => c.notNull())
      .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .addColumn('answered_at', 'timestamptz')
      .addColumn('passed', 'boolean')
      .addColumn('reason', 'text')
      .execute();
    await db.schema
      .createIndex('challenges_session_idx')
      .on('challenges')
      .column('session_id')
      .execute();

    await db.schema
      .createTable('viewer_points')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('viewer_id', 'text', (c) => c.notNull())
      .addColumn('stream_id', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('points', 'bigint', (c) => c.notNull())
      .addColumn('multiplier', 'integer', (c) => c.notNull())
      .addColumn('duration_seconds', 'double precision')
      .addColumn('session_id', 'text')
      .addColumn('event_at', 'timestamptz', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('viewer_points_viewer_idx')
      .on('viewer_points')
      .columns(['viewer_id', 'stream_id', 'action', 'created_at'])
      .execute();

    await db.schema
      .createTable('point_balances')
      .addColumn('viewer_id', 'text', (c) => c.primaryKey())
      .addColumn('balance', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('follows')
      .addColumn('viewer_id', 'text', (c) => c.notNull())
      .addColumn('streamer_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('follows_pk', ['viewer_id', 'streamer_id'])
      .execute();
  },
};
