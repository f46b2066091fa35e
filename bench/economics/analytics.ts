/**
 * Analytics benchmark (decision 33): a real coordinator over HTTP, one stream with 30 days of
 * minute buckets (43,200 rows) among four other streams as large, its supporters' sessions and
 * receipts; then the supporter-analytics route and the metrics route (minute over 1 day, hour
 * over 30 days, day over 30 days) N times each, on PostgreSQL and on PGlite. Prints and writes
 * p50/p95/max per query. `npm run bench:analytics -- --help`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { createCoordinator, openDatabase, type Database, type DB } from '@streamrp2p/coordinator';
import {
  computeHours,
  computeSupporterHours,
} from '../../packages/coordinator/src/metrics/compute-minutes.js';
import { createBenchSchema, postgresAnswers } from '../lib/pg-schema.js';
import { integer, parseFlags, UsageError } from '../lib/flags.js';
import { markdownTable, textTable, type Table } from '../lib/table.js';

const OUT_DIR = fileURLToPath(new URL('../results/economics/', import.meta.url));
const HELP = `npm run bench:analytics -- [--runs N] [--receipts M] [--supporters S]
  [--skip-pglite] [--skip-postgres]

Defaults: 200 requests per query; 1,000 supporters and 100,000 receipts over 30 days on the
measured stream; 30 days of minute buckets for it and for 4 other streams.`;

const MINUTE = 60_000;
const DAY = 86_400_000;
const DAYS = 30;
const OTHER_STREAMS = 4;
const TARGET_P95_MS = 50;

interface Args {
  runs: number;
  receipts: number;
  supporters: number;
  skipPglite: boolean;
  skipPostgres: boolean;
}

function parseArgs(argv: string[]): Args {
  try {
    const flags = parseFlags(argv, {
      help: { type: 'boolean' },
      runs: { type: 'string' },
      receipts: { type: 'string' },
      supporters: { type: 'string' },
      'skip-pglite': { type: 'boolean' },
      'skip-postgres': { type: 'boolean' },
    });
    if (flags.help) {
      console.log(HELP);
      process.exit(0);
    }
    return {
      runs: integer('runs', flags.runs, 200, 1),
      receipts: integer('receipts', flags.receipts, 100_000, 1),
      supporters: integer('supporters', flags.supporters, 1000, 1),
      skipPglite: flags['skip-pglite'] === true,
      skipPostgres: flags['skip-postgres'] === true,
    };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${HELP}`);
    process.exit(2);
  }
}

async function post<T>(url: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * Minute buckets for `streamIds` over the 30 days before `now`; for the measured stream its
 * supporters' sessions (live, credited) and `receipts` receipts over the same 30 days.
 */
async function seed(
  db: Kysely<DB>,
  streamId: string,
  ownerId: string,
  args: Args,
  now: number,
): Promise<void> {
  const end = Math.floor(now / MINUTE) * MINUTE;
  const start = new Date(end - DAYS * DAY);
  const others = Array.from({ length: OTHER_STREAMS }, (_, i) => `${streamId}-other-${i}`);
  const created = new Date(end - (DAYS + 1) * DAY);
  await db
    .insertInto('streams')
    .values(
      others.map((id) => ({
        id,
        streamer_id: ownerId,
        hls_url: 'https://example.com/live.m3u8',
        title: 'other',
        created_at: created,
        updated_at: created,
        deleted_at: null,
      })),
    )
    .execute();
  await sql`
    insert into stream_metrics_minute (stream_id, bucket_start, p2p_bytes, cdn_bytes,
      cdn_segments, viewers, supporters, stalls, usage_reports)
    select s, ${start}::timestamptz + g * interval '1 minute', 50000000 + (g::bigint * 7919) % 10000000,
      20000000 + (g::bigint * 104729) % 5000000, 40, 200 + g % 50, 60 + g % 20, g % 3, 400
    from unnest(${[streamId, ...others]}::text[]) as s,
      generate_series(0, ${DAYS * 1440 - 1}) as g`.execute(db);
  // The hours, as the metrics job writes them run after run.
  await computeHours(db, start, new Date(end + 3_600_000));
  await sql`
    insert into sessions (id, stream_id, viewer_id, peer_id, public_key, secret_hash, ip,
      address_key, network_key, created_at, last_seen_at)
    select 'bs' || g, ${streamId}, 'bv' || g, 'bp' || g, 'k', 'bh' || g, '198.51.100.1',
      'ba' || g, 'bn' || g, ${start}::timestamptz + (g % 1000) * interval '1 hour',
      ${new Date(now)}::timestamptz
    from generate_series(1, ${args.supporters}) g`.execute(db);
  await sql`
    insert into credit_bounds (session_id, stream_id, address_key, uploaded_bytes)
    select 'bs' || g, ${streamId}, 'ba' || g, 1000000 + g
    from generate_series(1, ${args.supporters}) g`.execute(db);
  await sql`
    insert into point_balances (viewer_id, balance, updated_at)
    select 'bv' || g, g * 3, ${new Date(now)}::timestamptz
    from generate_series(1, ${args.supporters}) g`.execute(db);
  // Receipt g: one receiver, segment g; runs of 100 consecutive receipts (about 40 minutes) come
  // from 7 uploaders, as a supporter serves many segments an hour: 1 + ((g / 100) * 37 + g % 7) % N.
  await sql`
    insert into receipts (stream_id, rendition, sequence, receiver_viewer_id,
      receiver_session_id, uploader_session_id, uploader_viewer_id, byte_length, signed_at,
      credited_at, delivery_ms)
    select ${streamId}, 'r', g, 'receiver', 'receiver-session',
      'bs' || (1 + ((g / 100) * 37 + g % 7) % ${args.supporters}),
      'bv' || (1 + ((g / 100) * 37 + g % 7) % ${args.supporters}),
      100000 + (g::bigint * 7919) % 2000000, 0,
      ${start}::timestamptz + (g::float8 / ${args.receipts} * ${DAYS * DAY - MINUTE})
        * interval '1 ms',
      100 + g % 900
    from generate_series(1, ${args.receipts}) g`.execute(db);
  await computeSupporterHours(db, start, new Date(end + 3_600_000));
  await sql`analyze`.execute(db);
}

interface QueryFigures {
  query: string;
  p50: number;
  p95: number;
  max: number;
  points: number;
}

interface RunFigures {
  backend: 'postgres' | 'pglite';
  seedMs: number;
  minuteRows: number;
  queries: QueryFigures[];
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function measure(
  name: string,
  url: string,
  token: string,
  runs: number,
): Promise<QueryFigures> {
  const times: number[] = [];
  let points = 0;
  for (let i = 0; i < runs + 5; i++) {
    const t0 = performance.now();
    // A keep-alive socket the server closed during the seeding fails once: the warm-up retries.
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } }).catch(
      (error: unknown) => {
        if (i >= 5) throw error;
        return fetch(url, { headers: { authorization: `Bearer ${token}` } });
      },
    );
    const body = (await res.json()) as { points?: unknown[]; time_series?: unknown[] };
    const ms = performance.now() - t0;
    if (!res.ok) throw new Error(`${name}: ${res.status} ${JSON.stringify(body)}`);
    points = (body.points ?? body.time_series ?? []).length;
    if (i >= 5) times.push(ms); // the first few warm the caches and the plans
  }
  times.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    query: name,
    p50: round(percentile(times, 50)),
    p95: round(percentile(times, 95)),
    max: round(times.at(-1)!),
    points,
  };
}

async function run(
  backend: RunFigures['backend'],
  args: Args,
  database: () => Promise<Database>,
): Promise<RunFigures> {
  const db = await database();
  const coordinator = createCoordinator({
    port: 0,
    database: db,
    indexerEnabled: false,
    originAllowList: ['127.0.0.0/8'],
    metricsRollupIntervalMs: 0,
    collusionIntervalMs: 0,
  });
  try {
    const { url } = await coordinator.start();
    const streamer = await post<{ streamerId: string; apiKey: string }>(`${url}/api/streamers`, {
      name: 'bench',
    });
    const { streamId } = await post<{ streamId: string }>(
      `${url}/api/streams`,
      { hlsUrl: 'http://127.0.0.1:9/live/master.m3u8', title: 'bench' },
      streamer.apiKey,
    );
    const now = Date.now();
    const t0 = performance.now();
    // The other streams are another streamer's, so the analytics read one stream's rows.
    const other = await post<{ streamerId: string }>(`${url}/api/streamers`, { name: 'other' });
    await seed(coordinator.db, streamId, other.streamerId, args, now);
    const seedMs = Math.round(performance.now() - t0);
    const minuteRows = Number(
      (
        await coordinator.db
          .selectFrom('stream_metrics_minute')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const iso = (ms: number) => new Date(ms).toISOString();
    const month = `from=${iso(now - DAYS * DAY)}&to=${iso(now)}`;
    const metrics = (step: string, range: string) =>
      `${url}/api/streams/${streamId}/metrics?${range}&step=${step}`;
    const queries: QueryFigures[] = [];
    for (const [name, target] of [
      [
        'supporter-analytics, day over 30 days',
        `${url}/api/streamers/${streamer.streamerId}/supporter-analytics?${month}&step=day`,
      ],
      ['metrics, minute over 1 day', metrics('minute', `from=${iso(now - DAY)}&to=${iso(now)}`)],
      ['metrics, hour over 30 days', metrics('hour', month)],
      ['metrics, day over 30 days', metrics('day', month)],
    ] as const) {
      const figures = await measure(name, target, streamer.apiKey, args.runs);
      console.log(`${backend}: ${name}: p50 ${figures.p50} ms, p95 ${figures.p95} ms`);
      queries.push(figures);
    }
    return { backend, seedMs, minuteRows, queries };
  } finally {
    await coordinator.close();
    await db.destroy();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const loadBefore = os.loadavg()[0]!.toFixed(2);
  const runs: RunFigures[] = [];
  if (!args.skipPostgres) {
    if (!(await postgresAnswers())) throw new Error('PostgreSQL does not answer');
    const schema = await createBenchSchema();
    try {
      runs.push(
        await run('postgres', args, () =>
          openDatabase({ dataDir: 'unused', databaseUrl: schema.url, poolSize: 4 }),
        ),
      );
    } finally {
      await schema.drop();
    }
  }
  if (!args.skipPglite) {
    runs.push(await run('pglite', args, () => openDatabase({ dataDir: 'memory://' })));
  }
  const table: Table = {
    headers: ['query', ...runs.flatMap((r) => [`${r.backend} p50`, 'p95', 'max'])],
    rows: runs[0]!.queries.map((q, i) => [
      `${q.query} (${q.points} points)`,
      ...runs.flatMap((r) => [r.queries[i]!.p50, r.queries[i]!.p95, r.queries[i]!.max].map(String)),
    ]),
  };
  console.log(`\n${textTable(table)}`);
  const worst = Math.max(...runs.flatMap((r) => r.queries.map((q) => q.p95)));
  const verdict = `worst p95 ${worst} ms: ${worst < TARGET_P95_MS ? 'under' : 'OVER'} the ${TARGET_P95_MS} ms target`;
  console.log(verdict);
  const cpus = os.cpus();
  const load = `load average (1 min) ${loadBefore} before, ${os.loadavg()[0]!.toFixed(2)} after`;
  const machine = `${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${load}`;
  const at = new Date().toISOString();
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(
    `${OUT_DIR}analytics-latest.json`,
    `${JSON.stringify({ at, machine, args, runs }, null, 2)}\n`,
  );
  const sizes = runs
    .map((r) => `${r.backend}: ${r.minuteRows} minute rows, seeded in ${r.seedMs} ms`)
    .join('; ');
  writeFileSync(
    `${OUT_DIR}analytics-latest.md`,
    `# Analytics queries (${at})\n\n${machine}. \`npm run bench:analytics\`: ${args.runs} ` +
      `requests per query over HTTP to a real coordinator; ${args.supporters} supporters, ` +
      `${args.receipts} receipts over ${DAYS} days; ${sizes}. Milliseconds.\n\n` +
      `${markdownTable(table)}\n\n${verdict}.\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
