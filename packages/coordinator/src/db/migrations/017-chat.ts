import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Chat per stream (issue 13, decision 40). `chat_messages` holds viewers' messages and the
 * system messages of community events, kept `chatHistoryHours`; a message the streamer deletes
 * keeps its row (the rate limits count it) with its text emptied. `chat_mutes` and
 * `chat_settings` are the streamer's moderation. `chat_salt` is one random value per deployment
 * that pseudonyms and sender keys are hashed with, the same in every coordinator process.
 */
export const chatMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('chat_messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // The order messages were stored in (times from a test's manual clock can tie).
      .addColumn('seq', 'bigint', (c) => c.notNull().generatedAlwaysAsIdentity())
      .addColumn('stream_id', 'text', (c) =>
        c.notNull().references('streams.id').onDelete('cascade'),
      )
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('viewer_id', 'text')
      .addColumn('address_key', 'text')
      .addColumn('sender_name', 'text')
      .addColumn('sender_key', 'text')
      .addColumn('supporter', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('deleted_at', 'timestamptz')
      .execute();
    await db.schema
      .createIndex('chat_messages_stream_time')
      .on('chat_messages')
      .columns(['stream_id', 'seq'])
      .execute();
    await db.schema
      .createIndex('chat_messages_viewer_time')
      .on('chat_messages')
      .columns(['viewer_id', 'created_at'])
      .execute();
    await db.schema
      .createIndex('chat_messages_address_time')
      .on('chat_messages')
      .columns(['address_key', 'created_at'])
      .execute();
    await db.schema
      .createIndex('chat_messages_time')
      .on('chat_messages')
      .column('created_at')
      .execute();
    await db.schema
      .createTable('chat_mutes')
      .addColumn('stream_id', 'text', (c) =>
        c.notNull().references('streams.id').onDelete('cascade'),
      )
      .addColumn('viewer_id', 'text', (c) => c.notNull())
      .addColumn('sender_key', 'text', (c) => c.notNull())
      .addColumn('sender_name', 'text', (c) => c.notNull())
      .addColumn('until', 'timestamptz', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('chat_mutes_pk', ['stream_id', 'viewer_id'])
      .execute();
    await db.schema
      .createTable('chat_settings')
      .addColumn('stream_id', 'text', (c) =>
        c.primaryKey().references('streams.id').onDelete('cascade'),
      )
      .addColumn('slow_mode_seconds', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('chat_salt')
      .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
      .addColumn('salt', 'text', (c) => c.notNull())
      .execute();
    await sql`insert into chat_salt (id, salt) values (1, ${randomBytes(32).toString('hex')})`.execute(
      db,
    );
  },
};
