import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Social proof, community goals and support squads (issue 13, decision 41):
 * - `community_events`: every event the community job or a squad join produced, once: `key`
 *   is unique (`supporter:<stream>:<viewer>`, `milestone:<stream>:<GB>`, `goal:<goal>:<stream>`,
 *   `squad:<streamer>:<viewer>:<day>`), and the process whose insert wins is the one that emits
 *   it. Kept for the player's feed and the squads' notifications; `text` carries no viewer id.
 * - `community_goals`: a streamer's savings target for one stream or (`stream_id` null) all of
 *   its streams, with its progress as the job last computed it; `reached_at` is set once.
 *   `counted_bytes` is every receipt's bytes in [starts_at, counted_through), frozen or not:
 *   the part of the count that no longer changes, so a run reads only the receipts since.
 * - `squad_members`: who is in which streamer's squad now (leaving deletes the row).
 */
export const communityMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('community_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('key', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('stream_id', 'text', (c) => c.notNull().references('streams.id'))
      .addColumn('streamer_id', 'text', (c) => c.notNull().references('streamers.id'))
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('community_events_stream_idx')
      .on('community_events')
      .columns(['stream_id', 'created_at desc'])
      .execute();
    await db.schema
      .createIndex('community_events_streamer_kind_idx')
      .on('community_events')
      .columns(['streamer_id', 'kind', 'created_at desc'])
      .execute();

    await db.schema
      .createTable('community_goals')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('streamer_id', 'text', (c) => c.notNull().references('streamers.id'))
      .addColumn('stream_id', 'text', (c) => c.references('streams.id'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('target_micros', 'bigint', (c) => c.notNull())
      .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
      .addColumn('deadline', 'timestamptz')
      .addColumn('ended_at', 'timestamptz')
      .addColumn('reached_at', 'timestamptz')
      .addColumn('progress_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('progress_micros', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('computed_at', 'timestamptz')
      .addColumn('counted_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('counted_through', 'timestamptz', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('community_goals_streamer_idx')
      .on('community_goals')
      .columns(['streamer_id', 'created_at'])
      .execute();
    await db.schema
      .createIndex('community_goals_open_idx')
      .on('community_goals')
      .column('streamer_id')
      .where(sql.ref('ended_at'), 'is', null)
      .execute();

    await db.schema
      .createTable('squad_members')
      .addColumn('streamer_id', 'text', (c) => c.notNull().references('streamers.id'))
      .addColumn('viewer_id', 'text', (c) => c.notNull())
      .addColumn('joined_at', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('squad_members_pk', ['streamer_id', 'viewer_id'])
      .execute();
    await db.schema
      .createIndex('squad_members_viewer_idx')
      .on('squad_members')
      .column('viewer_id')
      .execute();
  },
};
