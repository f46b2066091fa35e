/**
 * A database a test can take away and give back, as an outage would, without touching the
 * shared PostgreSQL server: PostgreSQL behind a TCP proxy that drops every connection while
 * cut, or PGlite behind a pool that fails like node-postgres does (ECONNREFUSED on connect,
 * "Connection terminated unexpectedly" on a query).
 */
import { createServer, Socket } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import { openDatabase, type Database, type DB } from '../src/index.js';
import { PGlitePool } from '../src/db/pglite-pool.js';

export interface CuttableDatabase {
  readonly database: Database;
  /** Every connection fails from now on, open ones included. */
  cut(): void;
  /** Connections work again. */
  restore(): void;
  /** PGlite only: queries whose SQL matches `match` fail with `error` until called with undefined. */
  failQueries?(error: Error | undefined, match?: RegExp): void;
  close(): Promise<void>;
}

/** PostgreSQL at `url` (schema options kept) through a local proxy that can be cut. */
export async function cuttablePostgres(url: string): Promise<CuttableDatabase> {
  const target = new URL(url);
  const sockets = new Set<Socket>();
  let down = false;
  const proxy = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = new Socket();
    upstream.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as { port: number };
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(port);
  const database = await openDatabase({
    dataDir: 'unused',
    databaseUrl: proxied.href,
    connectTimeoutMs: 2000,
  });
  return {
    database,
    cut() {
      down = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      down = false;
    },
    async close() {
      down = false;
      await database.destroy();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}

function connectionError(message: string, code?: string): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

/** In-memory PGlite behind a pool that fails while cut. */
export async function cuttablePGlite(): Promise<CuttableDatabase> {
  const pglite = await PGlite.create('memory://', {
    parsers: { 20: (value: string) => Number(value) },
  });
  const inner = new PGlitePool(pglite);
  let down = false;
  let failure: { error: Error; match: RegExp } | undefined;
  const pool: PostgresPool = {
    async connect(): Promise<PostgresPoolClient> {
      if (down) throw connectionError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED');
      const client = await inner.connect();
      return {
        query: ((sql: string, parameters: readonly unknown[]) => {
          if (down) return Promise.reject(connectionError('Connection terminated unexpectedly'));
          if (failure?.match.test(sql) === true) return Promise.reject(failure.error);
          return client.query(sql, parameters);
        }) as PostgresPoolClient['query'],
        release: () => client.release(),
      };
    },
    end: () => inner.end(),
  };
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const database: Database = {
    db,
    backend: 'pglite',
    async destroy() {
      await db.destroy();
      await pglite.close();
    },
  };
  return {
    database,
    cut() {
      down = true;
    },
    restore() {
      down = false;
    },
    failQueries(error, match = /./) {
      failure = error === undefined ? undefined : { error, match };
    },
    close() {
      down = false;
      return database.destroy();
    },
  };
}
