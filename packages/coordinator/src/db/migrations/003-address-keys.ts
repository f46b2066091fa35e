import { type Kysely, type Migration } from 'kysely';

/**
 * Who is behind a session or a streamer account, as the credit and sybil rules see it: the
 * client's address and network keys (`util/network.ts`), stored with the row so limits are one
 * indexed count, the same in every coordinator process. Streamer accounts also keep the address
 * they were created from.
 *
 * No backfill: rows from before have empty keys, which group together and are long expired.
 */
export const addressKeysMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const table of ['sessions', 'streamers']) {
      await db.schema
        .alterTable(table)
        .addColumn('address_key', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('network_key', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
    }
    await db.schema
      .alterTable('streamers')
      .addColumn('ip', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema
      .createIndex('sessions_address_idx')
      .on('sessions')
      .columns(['address_key', 'created_at'])
      .execute();
    await db.schema
      .createIndex('sessions_network_idx')
      .on('sessions')
      .columns(['network_key', 'created_at'])
      .execute();
    await db.schema
      .createIndex('sessions_public_key_idx')
      .on('sessions')
      .column('public_key')
      .execute();
    await db.schema
      .createIndex('streamers_network_idx')
      .on('streamers')
      .columns(['network_key', 'created_at'])
      .execute();
    await db.schema
      .createIndex('streamers_address_idx')
      .on('streamers')
      .columns(['address_key', 'created_at'])
      .execute();
  },
};
