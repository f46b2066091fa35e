import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Accounts and API keys (issue 12, decision 34):
 * - `accounts`: a streamer's sign-in, one per streamer: the email lower-cased (so unique without
 *   regard to case) and the scrypt hash of the password (`accounts/password.ts`), never the
 *   password.
 * - `web_sessions`: a signed-in browser. `id` is the SHA-256 of the cookie's token, so the
 *   table alone cannot sign anyone in; the CSRF token is derived from the cookie token and not
 *   stored at all.
 * - `api_keys`: a streamer's API keys, many per streamer, each with a name, the first 8
 *   characters to tell them apart in a list, and a revocation time. The single key of
 *   `streamers.api_key_hash` moves here as the key named 'default' (its prefix is unknown:
 *   null), and that column becomes nullable: a streamer that signed up has no key until it
 *   creates one. Authentication reads only `api_keys` from now on.
 * - `sign_in_attempts`: every sign-in, by email and client address, for the per-email and
 *   per-address limits (a row starts failed and turns succeeded when the password matched).
 */
export const accountsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('accounts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('streamer_id', 'text', (c) => c.notNull().unique().references('streamers.id'))
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('last_sign_in_at', 'timestamptz')
      .execute();

    await db.schema
      .createTable('web_sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
      .addColumn('revoked_at', 'timestamptz')
      .addColumn('ip', 'text', (c) => c.notNull())
      .addColumn('user_agent', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('web_sessions_account_idx')
      .on('web_sessions')
      .column('account_id')
      .execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('streamer_id', 'text', (c) => c.notNull().references('streamers.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('prefix', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('last_used_at', 'timestamptz')
      .addColumn('revoked_at', 'timestamptz')
      .execute();
    await db.schema
      .createIndex('api_keys_streamer_idx')
      .on('api_keys')
      .columns(['streamer_id', 'created_at'])
      .execute();
    await sql`
      insert into api_keys (id, streamer_id, name, key_hash, prefix, created_at)
      select 'key-' || id, id, 'default', api_key_hash, null, created_at
      from streamers
      where api_key_hash is not null`.execute(db);
    await sql`alter table streamers alter column api_key_hash drop not null`.execute(db);

    await db.schema
      .createTable('sign_in_attempts')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('address_key', 'text', (c) => c.notNull())
      .addColumn('succeeded', 'boolean', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('sign_in_attempts_email_idx')
      .on('sign_in_attempts')
      .columns(['email', 'created_at'])
      .execute();
    await db.schema
      .createIndex('sign_in_attempts_address_idx')
      .on('sign_in_attempts')
      .columns(['address_key', 'created_at'])
      .execute();
    await db.schema
      .createIndex('sign_in_attempts_created_idx')
      .on('sign_in_attempts')
      .column('created_at')
      .execute();
  },
};
