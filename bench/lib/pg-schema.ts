/**
 * A throwaway PostgreSQL schema for a benchmark run: created fresh, handed out as a connection
 * URL whose `search_path` points at it, dropped at the end (also after a failure).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL benchmarks use: `DATABASE_URL_BENCH`, else the local test database. */
export const BENCH_POSTGRES_URL =
  process.env.DATABASE_URL_BENCH ?? 'postgres://root@127.0.0.1:5432/test';

export interface BenchSchema {
  /** Connection URL that uses the schema. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function query(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Creates `bench_<random>` in the database at `url` (default {@link BENCH_POSTGRES_URL}). */
export async function createBenchSchema(url = BENCH_POSTGRES_URL): Promise<BenchSchema> {
  const name = `bench_${randomBytes(6).toString('hex')}`;
  await query(url, `create schema ${name}`);
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${name}`);
  let dropped = false;
  return {
    url: parsed.href,
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await query(url, `drop schema if exists ${name} cascade`);
    },
  };
}

/** Whether PostgreSQL answers at `url` within a few seconds. */
export async function postgresAnswers(url = BENCH_POSTGRES_URL): Promise<boolean> {
  try {
    await query(url, 'select 1');
    return true;
  } catch {
    return false;
  }
}
