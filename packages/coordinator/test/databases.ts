/**
 * Runs a suite once per database backend: embedded PGlite (in memory, one instance per file)
 * and the real PostgreSQL (`DATABASE_URL_TEST`, default postgres://root@127.0.0.1:5432/test) in
 * a fresh schema dropped afterwards. Without a reachable PostgreSQL the second run fails under
 * CI=true and is skipped with a loud warning elsewhere.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { openDatabase, type Database } from '../src/index.js';

export type Backend = 'pglite' | 'postgres';

/** The database of the current run; valid inside tests and hooks. */
export interface TestDatabase {
  readonly backend: Backend;
  readonly database: Database;
  /**
   * PostgreSQL only: the run's connection string (its schema on the search path), for a second
   * pool or process on the same data, as another coordinator process would have.
   */
  readonly url: string | undefined;
}

const POSTGRES_URL = process.env.DATABASE_URL_TEST ?? 'postgres://root@127.0.0.1:5432/test';

async function postgresReachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const unreachable = await postgresReachable();
if (unreachable !== undefined && process.env.CI !== 'true') {
  console.warn(
    `\n!!! PostgreSQL at ${POSTGRES_URL} is unreachable (${unreachable}): the PostgreSQL runs of the coordinator suites are SKIPPED. Set DATABASE_URL_TEST or start PostgreSQL. !!!\n`,
  );
}

function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.href;
}

/** Opens a database of `backend` for one run; returns it and its cleanup. */
interface Opened {
  database: Database;
  url: string | undefined;
  cleanup: () => Promise<void>;
}

async function open(backend: Backend): Promise<Opened> {
  if (backend === 'pglite') {
    const database = await openDatabase({ dataDir: 'memory://' });
    return { database, url: undefined, cleanup: () => database.destroy() };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = withSearchPath(POSTGRES_URL, schema);
  const database = await openDatabase({ dataDir: 'unused', databaseUrl: url });
  return {
    database,
    url,
    async cleanup() {
      await database.destroy();
      const dropper = new pg.Client({ connectionString: POSTGRES_URL });
      await dropper.connect();
      await dropper.query(`drop schema ${schema} cascade`);
      await dropper.end();
    },
  };
}

/**
 * `describe(name)` once per backend; `fn` gets the run's {@link TestDatabase}.
 *
 * @example
 * describeWithDatabases('receipts', (t) => { it('...', async () => { await start(t.database) }) });
 */
export function describeWithDatabases(name: string, fn: (t: TestDatabase) => void): void {
  for (const backend of ['pglite', 'postgres'] as const) {
    const title = `${name} [${backend}]`;
    if (backend === 'postgres' && unreachable !== undefined) {
      if (process.env.CI === 'true') {
        describe(title, () => {
          it('needs PostgreSQL', () => {
            throw new Error(`PostgreSQL at ${POSTGRES_URL} is unreachable in CI: ${unreachable}`);
          });
        });
      } else {
        // Named with its reason, so the reporter's skipped suite says why.
        describe.skip(`${title}: PostgreSQL unreachable (${unreachable})`, () =>
          fn(placeholder(backend)));
      }
      continue;
    }
    describe(title, () => {
      let opened: Opened | undefined;
      beforeAll(async () => {
        opened = await open(backend);
      }, 60_000);
      afterAll(async () => {
        await opened?.cleanup();
      });
      fn({
        backend,
        get database() {
          if (opened === undefined)
            throw new Error('the test database is not open yet (use it inside tests)');
          return opened.database;
        },
        get url() {
          return opened?.url;
        },
      });
    });
  }
}

function placeholder(backend: Backend): TestDatabase {
  return {
    backend,
    get database(): Database {
      throw new Error('skipped');
    },
    url: undefined,
  };
}
