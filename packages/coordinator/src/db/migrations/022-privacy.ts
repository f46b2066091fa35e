import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Migration } from 'kysely';

/**
 * One pseudonym salt (issue 14, decision 46). Chat (`chat_salt`, migration 017) and the
 * leaderboards (`leaderboard_settings`, migration 019) each made their own; `privacy_settings`
 * now holds the one stored salt that `PSEUDONYM_SALT` overrides. Chat's value is kept, so sender
 * keys and the mutes keyed by them survive the upgrade; leaderboard pseudonyms change once.
 *
 * The retention job (`privacy/retention.ts`) finds old sessions by last sight
 * (`sessions_last_seen_idx`; old receipts by `receipts_credited_idx`, migration 005).
 */
export const privacyMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('privacy_settings')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
    await sql`insert into privacy_settings (name, value)
      select 'pseudonym_salt', coalesce(
        (select salt from chat_salt where id = 1), ${randomBytes(32).toString('hex')})`.execute(db);
    await db.schema.dropTable('chat_salt').execute();
    await db.schema.dropTable('leaderboard_settings').execute();
    await db.schema
      .createIndex('sessions_last_seen_idx')
      .on('sessions')
      .column('last_seen_at')
      .execute();
  },
};
