/**
 * Opens the database: PostgreSQL when a URL is given, else embedded PGlite in a data folder
 * (`memory://` keeps it in memory). Both go through kysely's own `PostgresDialect`, and both
 * parse `int8` to `number`.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import createDebug from 'debug';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PGlitePool } from './pglite-pool.js';
import type { DB } from './schema.js';

const log = createDebug('streamrp2p:coordinator:db');

const INT8_OID = 20;

/** An open database and how to close it. */
export interface Database {
  readonly db: Kysely<DB>;
  readonly backend: 'postgres' | 'pglite';
  /** Closes the kysely instance and the pool or PGlite. */
  destroy(): Promise<void>;
}

/** Where the data lives. */
export interface DatabaseOptions {
  /** PostgreSQL connection string; when set, PGlite is not used. */
  databaseUrl?: string | undefined;
  /** PGlite data folder, or `memory://`. @default '.data/coordinator' */
  dataDir: string;
  /** Max pooled PostgreSQL connections. @default 10 */
  poolSize?: number;
  /**
   * Getting a PostgreSQL connection (opening one, or waiting for a pooled one to be free) fails
   * after this, so a request never waits on an unreachable server longer (it answers 503); an
   * overloaded pool sheds load the same way. @default 5000
   */
  connectTimeoutMs?: number;
}

/** Opens PostgreSQL or PGlite (see {@link DatabaseOptions}); does not migrate. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl !== undefined)
    return openPostgres(options.databaseUrl, options.poolSize ?? 10, options.connectTimeoutMs);
  return openPGlite(options.dataDir);
}

function openPostgres(connectionString: string, max: number, connectTimeoutMs = 5000): Database {
  const pool = new pg.Pool({
    connectionString,
    max,
    connectionTimeoutMillis: connectTimeoutMs,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client's error (server restart) must not crash the process: the pool replaces it.
  pool.on('error', (err) => log('idle PostgreSQL client error: %s', err.message));
  // Nor a checked-out client's between two queries (inside a transaction, say): pg-pool listens
  // only to idle clients, and an 'error' without a listener is thrown. The query that follows
  // fails, and the pool drops the client when it is released.
  pool.on('connect', (client) =>
    client.on('error', (err) => log('PostgreSQL client error: %s', err.message)),
  );
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  log('using PostgreSQL');
  return { db, backend: 'postgres', destroy: () => db.destroy() };
}

async function openPGlite(dataDir: string): Promise<Database> {
  const inMemory = dataDir === 'memory://' || dataDir === '';
  const dir = inMemory ? undefined : resolve(dataDir);
  if (dir !== undefined) mkdirSync(dir, { recursive: true });
  const started = Date.now();
  const pglite = await PGlite.create(dir ?? 'memory://', {
    parsers: { [INT8_OID]: (value: string) => Number(value) },
  });
  log('PGlite ready in %d ms (%s)', Date.now() - started, dir ?? 'memory');
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new PGlitePool(pglite) }) });
  return {
    db,
    backend: 'pglite',
    async destroy() {
      await db.destroy();
      await pglite.close();
    },
  };
}

/** `select 1`: throws when the database is unreachable. */
export async function pingDatabase(db: Kysely<DB>): Promise<void> {
  await sql`select 1`.execute(db);
}
