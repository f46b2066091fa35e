/**
 * Period-close benchmark (decision 31): one stream, N payable supporters and M receipts seeded
 * set-based (generate_series) on a fresh PostgreSQL schema, then `closePeriod` timed per phase;
 * closed again (a no-op), and a second period closed by two concurrent calls (one writes). A
 * smaller PGlite run is reported separately. `npm run bench:period-close -- --help`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import {
  closePeriod,
  migrateToLatest,
  openDatabase,
  type ClosedPeriod,
  resolveCoordinatorConfig,
  type DB,
} from '@streamrp2p/coordinator';
import { ledgerImbalance } from '../../packages/coordinator/src/ledger/ledger.js';
import { integer, parseFlags, UsageError } from '../lib/flags.js';
import { createBenchSchema, postgresAnswers } from '../lib/pg-schema.js';
import { markdownTable, textTable, type Table } from '../lib/table.js';

const OUT_DIR = fileURLToPath(new URL('../results/economics/', import.meta.url));
const HELP = `npm run bench:period-close -- [--supporters N] [--receipts M] [--pglite-supporters N]
  [--pglite-receipts M] [--skip-pglite] [--skip-postgres]

Defaults: PostgreSQL (DATABASE_URL, else postgres://root@127.0.0.1:5432/test) with 10,000
supporters and 1,000,000 receipts; PGlite with 1,000 supporters and 100,000 receipts.`;

const DAY = 86_400_000;
const MINUTE = 60_000;
/** Receivers (each on a network of its own) the supporters' receipts come from. */
const RECEIVERS = 50;
/** Passed challenges per supporter. */
const CHALLENGES_PER_SUPPORTER = 20;

interface Size {
  supporters: number;
  receipts: number;
}

interface RunFigures {
  backend: 'postgres' | 'pglite';
  supporters: number;
  receipts: number;
  seedMs: number;
  closeMs: number;
  phases: ClosedPeriod['phases'];
  receiptsSettled: number;
  periodSupporters: number;
  ledgerEntries: number;
  noOpMs: number;
  noOpCreated: boolean;
  concurrentMs: number;
  concurrentCreated: number;
  concurrentReceipts: number;
  periodsOfStream: number;
  closeTransactions: number;
  balanced: boolean;
}

function parseArgs(argv: string[]) {
  try {
    const flags = parseFlags(argv, {
      help: { type: 'boolean' },
      supporters: { type: 'string' },
      receipts: { type: 'string' },
      'pglite-supporters': { type: 'string' },
      'pglite-receipts': { type: 'string' },
      'skip-pglite': { type: 'boolean' },
      'skip-postgres': { type: 'boolean' },
    });
    if (flags.help) {
      console.log(HELP);
      process.exit(0);
    }
    return {
      postgres: {
        supporters: integer('supporters', flags.supporters, 10_000, 1),
        receipts: integer('receipts', flags.receipts, 1_000_000, 1),
      },
      pglite: {
        supporters: integer('pglite-supporters', flags['pglite-supporters'], 1_000, 1),
        receipts: integer('pglite-receipts', flags['pglite-receipts'], 100_000, 1),
      },
      skipPglite: flags['skip-pglite'] === true,
      skipPostgres: flags['skip-postgres'] === true,
    };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${HELP}`);
    process.exit(2);
  }
}

/**
 * Seeds `size` into `db` at `now`: a stream created 2 days ago; supporters first seen 3 days ago
 * and still seen (uptime and age full), 20 passed challenges each, receipts delivered in
 * 100-1000 ms to 50 receivers on 50 networks: every supporter's reputation is about 0.98.
 * `receipts` are spread over the first period `[created, now - 1 h)`; a tenth as many again
 * over `[now - 1 h, now - 10 min)` for the concurrent close. Revenue: 100 events per period.
 */
async function seed(db: Kysely<DB>, size: Size, now: number): Promise<void> {
  const created = new Date(now - 2 * DAY);
  const firstSeen = new Date(now - 3 * DAY);
  const nowDate = new Date(now);
  await db
    .insertInto('streamers')
    .values({ id: 'bench-streamer', name: 'bench', api_key_hash: 'bench', created_at: created })
    .execute();
  await db
    .insertInto('streams')
    .values({
      id: 'bench-stream',
      streamer_id: 'bench-streamer',
      hls_url: 'https://example.com/live.m3u8',
      title: 'bench',
      created_at: created,
      updated_at: created,
      deleted_at: null,
    })
    .execute();
  await sql`
    insert into sessions (id, stream_id, viewer_id, peer_id, public_key, secret_hash, ip,
      address_key, network_key, created_at, last_seen_at)
    select 's' || g, 'bench-stream', 'v' || g, 'p' || g, 'k', 'h' || g, '198.51.100.1',
      'sa' || g, 'sn' || g, ${firstSeen}::timestamptz, ${nowDate}::timestamptz
    from generate_series(1, ${size.supporters}) g
    union all
    select 'rs' || g, 'bench-stream', 'r' || g, 'rp' || g, 'k', 'rh' || g, '203.0.113.1',
      'ra' || g, 'rn' || g, ${firstSeen}::timestamptz, ${nowDate}::timestamptz
    from generate_series(1, ${RECEIVERS}) g`.execute(db);
  await sql`
    insert into challenges (id, session_id, stream_id, rendition, sequence, leaf_index,
      issued_at, expires_at, answered_at, passed)
    select 'c' || g, 's' || (1 + g % ${size.supporters}), 'bench-stream', 'r', g, 0,
      ${firstSeen}::timestamptz, ${firstSeen}::timestamptz, ${firstSeen}::timestamptz, true
    from generate_series(1, ${size.supporters * CHALLENGES_PER_SUPPORTER}) g`.execute(db);
  const periodOneMs = now - 60 * MINUTE - created.getTime();
  const later = Math.ceil(size.receipts / 10);
  // Receipt g: uploader 1 + g % N, receiver 1 + (g / N) % 50 (so each uploader has many
  // receivers), segment g (receipts_once is per receiver and segment), 100-1,999,999 bytes.
  await sql`
    insert into receipts (stream_id, rendition, sequence, receiver_viewer_id,
      receiver_session_id, uploader_session_id, uploader_viewer_id, byte_length, signed_at,
      credited_at, delivery_ms)
    select 'bench-stream', 'r', g,
      'r' || (1 + (g / ${size.supporters}) % ${RECEIVERS}),
      'rs' || (1 + (g / ${size.supporters}) % ${RECEIVERS}),
      's' || (1 + g % ${size.supporters}), 'v' || (1 + g % ${size.supporters}),
      100 + (g::bigint * 7919) % 2000000, 0,
      case when g <= ${size.receipts}
        then ${created}::timestamptz + (g::float8 / ${size.receipts} * ${periodOneMs}) * interval '1 ms'
        else ${new Date(now - 60 * MINUTE)}::timestamptz
          + ((g - ${size.receipts})::float8 / ${later} * ${49 * MINUTE}) * interval '1 ms'
      end,
      100 + (g::bigint * 31) % 900
    from generate_series(1, ${size.receipts + later}) g`.execute(db);
  await sql`
    insert into revenue_events (id, stream_id, streamer_id, kind, amount_micros, currency,
      occurred_at, recorded_at)
    select 'rev' || g, 'bench-stream', 'bench-streamer', 'subscription', 4990000 + g, 'usd',
      case when g <= 100 then ${created}::timestamptz + g * interval '10 minutes'
        else ${new Date(now - 50 * MINUTE)}::timestamptz end,
      ${nowDate}::timestamptz
    from generate_series(1, 200) g`.execute(db);
  await sql`analyze`.execute(db);
}

const ms = (start: number) => Math.round(performance.now() - start);

async function run(
  backend: 'postgres' | 'pglite',
  size: Size,
  open: () => Promise<{ db: Kysely<DB>; destroy(): Promise<void> }>,
): Promise<RunFigures> {
  const database = await open();
  const { db } = database;
  try {
    await migrateToLatest(db);
    const now = Date.now();
    const clock = () => now;
    const deps = { db, config: resolveCoordinatorConfig({}), clock };
    let t = performance.now();
    await seed(db, size, now);
    const seedMs = ms(t);
    console.log(
      `${backend}: seeded ${size.supporters} supporters, ${size.receipts} receipts in ${seedMs} ms`,
    );

    const endsAt = new Date(now - 60 * MINUTE);
    t = performance.now();
    const first = await closePeriod(deps, 'bench-stream', endsAt);
    const closeMs = ms(t);
    t = performance.now();
    const again = await closePeriod(deps, 'bench-stream', endsAt);
    const noOpMs = ms(t);

    const secondEnd = new Date(now - 10 * MINUTE);
    t = performance.now();
    const both = await Promise.all([
      closePeriod(deps, 'bench-stream', secondEnd),
      closePeriod(deps, 'bench-stream', secondEnd),
    ]);
    const concurrentMs = ms(t);

    const periods = await db
      .selectFrom('periods')
      .select('id')
      .where('stream_id', '=', 'bench-stream')
      .execute();
    const transactions = await db
      .selectFrom('ledger_transactions')
      .select('id')
      .where('kind', '=', 'period_close')
      .execute();
    const lines = await db
      .selectFrom('period_supporters')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('period_id', '=', first.period.id)
      .executeTakeFirstOrThrow();
    const imbalance = await ledgerImbalance(db);
    return {
      backend,
      ...size,
      seedMs,
      closeMs,
      phases: first.phases,
      receiptsSettled: first.receiptsSettled,
      periodSupporters: Number(lines.n),
      ledgerEntries: first.ledgerEntries,
      noOpMs,
      noOpCreated: again.created,
      concurrentMs,
      concurrentCreated: both.filter((c) => c.created).length,
      concurrentReceipts: both.reduce((n, c) => n + c.receiptsSettled, 0),
      periodsOfStream: periods.length,
      closeTransactions: transactions.length,
      balanced: imbalance.unbalanced.length === 0 && imbalance.total === 0,
    };
  } finally {
    await database.destroy();
  }
}

function table(runs: RunFigures[]): Table {
  const round = (x: number) => String(Math.round(x));
  const row = (label: string, f: (r: RunFigures) => string) => [label, ...runs.map(f)];
  return {
    headers: ['figure', ...runs.map((r) => r.backend)],
    rows: [
      row('supporters', (r) => String(r.supporters)),
      row('receipts in the period', (r) => String(r.receipts)),
      row('seed, ms', (r) => String(r.seedMs)),
      row('close, total ms', (r) => String(r.closeMs)),
      row('  lock and checks, ms', (r) => round(r.phases.lock)),
      row('  reputations, ms', (r) => round(r.phases.reputations)),
      row('  settle (receipts + revenue), ms', (r) => round(r.phases.settle)),
      row('  earnings + split, ms', (r) => round(r.phases.earningsAndSplit)),
      row('  writes (period, lines, ledger), ms', (r) => round(r.phases.writes)),
      row('receipts settled', (r) => String(r.receiptsSettled)),
      row('supporter lines', (r) => String(r.periodSupporters)),
      row('ledger entries', (r) => String(r.ledgerEntries)),
      row('second close (no-op), ms', (r) => `${r.noOpMs}${r.noOpCreated ? ' (WROTE!)' : ''}`),
      row('two concurrent closes of the next period, ms', (r) => String(r.concurrentMs)),
      row('  of which wrote', (r) => String(r.concurrentCreated)),
      row('  receipts settled', (r) => String(r.concurrentReceipts)),
      row('periods / close transactions', (r) => `${r.periodsOfStream} / ${r.closeTransactions}`),
      row('ledger balanced', (r) => (r.balanced ? 'yes' : 'NO')),
    ],
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const runs: RunFigures[] = [];
  if (!args.skipPostgres) {
    const base = process.env.DATABASE_URL ?? undefined;
    if (!(await postgresAnswers(base))) throw new Error('PostgreSQL does not answer');
    const schema = await createBenchSchema(base);
    try {
      runs.push(
        await run('postgres', args.postgres, () =>
          openDatabase({ dataDir: 'unused', databaseUrl: schema.url, poolSize: 4 }),
        ),
      );
    } finally {
      await schema.drop();
    }
  }
  if (!args.skipPglite) {
    runs.push(await run('pglite', args.pglite, () => openDatabase({ dataDir: 'memory://' })));
  }
  const t = table(runs);
  console.log(`\n${textTable(t)}`);
  const cpus = os.cpus();
  // Load matters: other processes on the machine share its cores with PostgreSQL.
  const load = os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ');
  const machine = `${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average at the end ${load} (1 / 5 / 15 min)`;
  mkdirSync(OUT_DIR, { recursive: true });
  const at = new Date().toISOString();
  writeFileSync(
    `${OUT_DIR}period-close-latest.json`,
    `${JSON.stringify({ at, machine, runs }, null, 2)}\n`,
  );
  writeFileSync(
    `${OUT_DIR}period-close-latest.md`,
    `# Period close (${at})\n\n${machine}. \`npm run bench:period-close\`; target: the PostgreSQL close under 10 s.\n\n${markdownTable(t)}\n`,
  );
  const failed = runs.some(
    (r) => !r.balanced || r.noOpCreated || r.concurrentCreated !== 1 || r.periodsOfStream !== 2,
  );
  if (failed) {
    console.error('a check failed (see the table)');
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
