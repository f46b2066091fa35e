/**
 * Leaderboards and growth funnel at a realistic size (decision 42), then the studio's Growth
 * panel in Chromium. A real coordinator on PGlite (or PostgreSQL with --postgres, in a schema of
 * its own dropped after) serving the built studio; one streamer with two streams, 30 days of
 * history: viewers' sessions, supporters' receipts, points, accounts, holds and referrals.
 * Times every board (3 windows x 3 metrics, stream and streamer scope, computed cold: no cache)
 * and the funnel over 30 days, then screenshots `#/growth` and a stream's Growth tab at 1280 and
 * 390 px into test-results/growth/. `npx tsx --conditions=@streamrp2p/source
 * bench/studio/growth.ts --help`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { createCoordinator } from '@streamrp2p/coordinator';
import { growthFunnel } from '../../packages/coordinator/src/growth/growth-funnel.js';
import { computeBoard } from '../../packages/coordinator/src/leaderboards/leaderboard.js';
import { studioDistDir } from '../../packages/coordinator/src/studio/studio-static.js';
import { launchBrowser } from '../../test/support/browser.js';
import { integer, parseFlags, UsageError } from '../lib/flags.js';
import { markdownTable, textTable, type Table } from '../lib/table.js';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const OUT_DIR = fileURLToPath(new URL('../results/studio/', import.meta.url));
const SHOTS = 'test-results/growth';
const HELP = `npx tsx --conditions=@streamrp2p/source bench/studio/growth.ts [--viewers N]
  [--supporters N] [--receipts N] [--runs N] [--postgres] [--no-screenshots]

Defaults: 20,000 viewers, 2,000 supporters, 1,000,000 receipts over 30 days, 3 runs per
figure, embedded PGlite. --postgres uses postgres://root@127.0.0.1:5432/test (DATABASE_URL_TEST).
Needs the built studio for the screenshots (npm run build).`;
const DAY = 86_400_000;
const DAYS = 30;

function parseArgs(argv: string[]) {
  try {
    const flags = parseFlags(argv, {
      help: { type: 'boolean' },
      postgres: { type: 'boolean' },
      'no-screenshots': { type: 'boolean' },
      viewers: { type: 'string' },
      supporters: { type: 'string' },
      receipts: { type: 'string' },
      runs: { type: 'string' },
    });
    if (flags.help) {
      console.log(HELP);
      process.exit(0);
    }
    return {
      viewers: integer('viewers', flags.viewers, 20_000, 100),
      supporters: integer('supporters', flags.supporters, 2_000, 10),
      receipts: integer('receipts', flags.receipts, 1_000_000, 1),
      runs: integer('runs', flags.runs, 3, 1),
      postgres: flags.postgres === true,
      screenshots: flags['no-screenshots'] !== true,
    };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${HELP}`);
    process.exit(2);
  }
}

/** A fresh schema of the test database, and how to drop it. */
async function postgresSchema(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.DATABASE_URL_TEST ?? 'postgres://root@127.0.0.1:5432/test';
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.href,
    async drop() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`drop schema ${schema} cascade`);
      await client.end();
    },
  };
}

const NAMES = ['Ana', 'Bo', 'Chidi', 'Dana', 'Emeka', 'Fatima', 'Goran', 'Hana', 'Ines', 'Jun'];
const median = (values: number[]) => [...values].sort((a, b) => a - b)[(values.length - 1) >> 1]!;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const pgSchema = args.postgres ? await postgresSchema() : undefined;
  const coordinator = createCoordinator({
    ...(pgSchema === undefined ? { dataDir: 'memory://' } : { databaseUrl: pgSchema.url }),
    host: '127.0.0.1',
    port: 0,
    indexerEnabled: false,
    logLevel: 'silent',
  });
  const { url } = await coordinator.start();
  const db = coordinator.db;
  try {
    const signUp = await fetch(`${url}/api/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `growth-${Date.now()}@example.com`,
        password: 'bench password 1',
        name: 'Night Owl Radio',
      }),
    });
    if (!signUp.ok) throw new Error(`sign-up answered ${signUp.status}: ${await signUp.text()}`);
    const { streamer } = (await signUp.json()) as { streamer: { streamerId: string } };
    const cookie = signUp.headers.getSetCookie()[0]!.split(';')[0]!;

    const seedStarted = performance.now();
    const now = Date.now();
    const start = new Date(now - DAYS * DAY);
    const streams = ['growth-main', 'growth-late'];
    for (const [i, id] of streams.entries()) {
      await db
        .insertInto('streams')
        .values({
          id,
          streamer_id: streamer.streamerId,
          hls_url: `https://cdn.example.com/${id}/master.m3u8`,
          title: i === 0 ? 'Night Owl Radio — live' : 'Late show',
          created_at: new Date(start.getTime() - DAY),
          updated_at: new Date(start.getTime() - DAY),
          deleted_at: null,
        })
        .execute();
    }
    const { viewers, supporters, receipts } = args;
    // Viewers: one session each over the 30 days; supporters (the first ones) stay the whole
    // time (full uptime and age for their reputation). Receivers are ten sessions on ten
    // networks; uploads are skewed towards the first supporters, as real ones are.
    await sql`
      insert into sessions (id, stream_id, viewer_id, peer_id, public_key, secret_hash, ip,
        network_key, address_key, created_at, last_seen_at)
      select 'gs' || g, case when g % 5 = 0 then ${streams[1]} else ${streams[0]} end, 'gv' || g,
        'gp' || g, 'k', 'gh' || g, '198.51.100.1', 'net-' || g, 'addr-' || g,
        case when g <= ${supporters} then ${start}::timestamptz
          else ${start}::timestamptz + (g % 719) * interval '1 hour' end,
        case when g <= ${supporters} then ${new Date(now)}::timestamptz
          else ${start}::timestamptz + (g % 719) * interval '1 hour' + interval '40 minutes' end
      from generate_series(1, ${viewers}) g`.execute(db);
    await sql`
      insert into sessions (id, stream_id, viewer_id, peer_id, public_key, secret_hash, ip,
        network_key, address_key, created_at, last_seen_at)
      select 'gr' || g, ${streams[0]}, 'gr' || g, 'grp' || g, 'k', 'grh' || g, '198.51.100.2',
        'rnet-' || g, 'raddr-' || g, ${start}::timestamptz, ${new Date(now)}::timestamptz
      from generate_series(1, 10) g`.execute(db);
    await sql`
      insert into receipts (stream_id, rendition, sequence, receiver_viewer_id,
        receiver_session_id, uploader_session_id, uploader_viewer_id, byte_length, signed_at,
        credited_at, delivery_ms)
      select case when u % 5 = 0 then ${streams[1]} else ${streams[0]} end, 'r', g,
        'gr' || (1 + g % 10), 'gr' || (1 + g % 10), 'gs' || u, 'gv' || u,
        100000 + (g::bigint * 7919) % 2000000, 0,
        ${start}::timestamptz + (g::float8 / ${receipts} * ${DAYS * DAY - 60_000})
          * interval '1 ms', 100 + g % 600
      from (select g, 1 + floor(${supporters} * power(
          ((g::bigint * 2654435761) % 4294967296)::float8 / 4294967296, 2))::int as u
        from generate_series(1, ${receipts}) g) r`.execute(db);
    // Points: watch time and chat over the month, the supporters earning most.
    await sql`
      insert into viewer_points (viewer_id, stream_id, action, points, multiplier, event_at,
        created_at, address_key)
      select 'gv' || v, case when v % 5 = 0 then ${streams[1]} else ${streams[0]} end,
        case when g % 3 = 0 then 'chat' else 'watch_time' end,
        case when v <= ${supporters} then 10 + g % 40 else 1 + g % 12 end, 1, t, t, 'addr-' || v
      from (select g, 1 + (g::bigint * 31) % ${viewers} as v,
          ${start}::timestamptz + (g % ${DAYS * 24}) * interval '1 hour' as t
        from generate_series(1, ${viewers * 10}) g) p`.execute(db);
    // A third of the viewers registered; the top supporters under readable names.
    await sql`
      insert into viewers (viewer_id, secret_hash, created_at)
      select 'gv' || g, 'vh' || g, ${start} from generate_series(1, ${viewers}) g
      where g % 3 = 0 or g <= 40`.execute(db);
    await sql`
      insert into viewer_accounts (id, viewer_id, email, password_hash, display_name, created_at)
      select 'ga' || g, 'gv' || g, 'v' || g || '@example.com', 'unused',
        (${NAMES}::text[])[1 + g % 10] || ' ' || g,
        ${start}::timestamptz + (g % 700) * interval '1 hour'
      from generate_series(1, ${viewers}) g where g % 3 = 0 or g <= 40`.execute(db);
    // Two supporters held by the collusion job, one voided.
    await sql`
      insert into trust_holds (id, stream_id, status, score, reasons, created_at)
      values ('gh1', ${streams[0]}, 'held', 3, '[]', ${start}),
        ('gh2', ${streams[0]}, 'voided', 3, '[]', ${start})`.execute(db);
    await sql`
      insert into trust_hold_sessions (session_id, hold_id, viewer_id)
      values ('gs1', 'gh1', 'gv1'), ('gs2', 'gh1', 'gv2'), ('gs3', 'gh2', 'gv3')`.execute(db);
    // Share links brought 5% of the viewers; half of those earned their first 100 points.
    await sql`
      insert into referrals (id, kind, code, referrer_viewer_id, referee_viewer_id, stream_id,
        referee_address_key, referee_network_key, created_at, qualified_at)
      select 'rf' || k || g, k, 'CODE' || (g % 50), 'gv' || (1 + g % 50), 'gv' || g,
        case when k = 'share' then ${streams[0]} end, 'addr-' || g, 'net-' || g,
        ${start}::timestamptz + (g % 719) * interval '1 hour',
        case when k = 'viewer' and g % 40 < 20
          then ${start}::timestamptz + (g % 719) * interval '1 hour' + interval '3 hours' end
      from generate_series(${supporters + 1}, ${viewers}, 20) g,
        (values ('share'), ('viewer')) as kinds(k)`.execute(db);
    await sql`analyze`.execute(db);
    const seedMs = performance.now() - seedStarted;

    const deps = { db, config: coordinator.config };
    // The first run of each read meets reputations not yet remembered (`leaderboards/payable.ts`,
    // a minute); later runs reuse them, as the other boards of the scope do.
    const table: Table = {
      headers: ['read', 'first ms', 'median ms', 'max ms', 'entries'],
      rows: [],
    };
    const time = async (label: string, read: () => Promise<number>) => {
      const ms: number[] = [];
      let entries = 0;
      for (let i = 0; i < args.runs; i++) {
        const t = performance.now();
        entries = await read();
        ms.push(performance.now() - t);
      }
      table.rows.push([
        label,
        ms[0]!.toFixed(0),
        median(ms).toFixed(0),
        Math.max(...ms).toFixed(0),
        String(entries),
      ]);
    };
    const scopes = [
      { kind: 'stream' as const, id: streams[0]!, streamIds: [streams[0]!] },
      { kind: 'streamer' as const, id: streamer.streamerId, streamIds: streams },
    ];
    for (const scope of scopes) {
      for (const metric of ['data_served', 'uptime', 'points'] as const) {
        for (const window of ['day', 'week', 'all'] as const) {
          await time(`${scope.kind} ${metric} ${window}`, async () => {
            const board = await computeBoard(deps, scope, window, metric, new Date(now));
            return board.entries.length;
          });
        }
      }
    }
    await time(`growth funnel, ${DAYS} days, both streams`, async () => {
      const funnel = await growthFunnel(
        deps,
        { streamIds: streams, from: start, to: new Date(now) },
        new Date(now),
      );
      return funnel.stages[0]!.count;
    });
    const backend = pgSchema === undefined ? 'PGlite (in memory)' : 'PostgreSQL 127.0.0.1';
    const setup = `${backend}; ${viewers} viewers, ${supporters} supporters, ${receipts} receipts, ${viewers * 10} point rows over ${DAYS} days (seeded in ${(seedMs / 1000).toFixed(0)} s); boards computed without their 15 s cache, ${args.runs} runs each; ${os.cpus().length} cores, Node ${process.version}`;
    console.log(`Leaderboards and growth: ${setup}\n\n${textTable(table)}`);
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(
      `${OUT_DIR}growth-${pgSchema === undefined ? 'pglite' : 'postgres'}-latest.md`,
      `# Leaderboards and growth funnel\n\n${new Date().toISOString()} — \`bench/studio/growth.ts\`\n\n${setup}.\n\n${markdownTable(table)}\n`,
    );

    if (args.screenshots) {
      if (studioDistDir() === undefined) throw new Error('the studio is not built: npm run build');
      mkdirSync(SHOTS, { recursive: true });
      const browser = await launchBrowser();
      try {
        const context = await browser.newContext();
        const eq = cookie.indexOf('=');
        await context.addCookies([{ name: cookie.slice(0, eq), value: cookie.slice(eq + 1), url }]);
        const page = await context.newPage();
        for (const [name, hash] of [
          ['all-streams', '#/growth'],
          ['stream', `#/streams/${streams[0]}/growth`],
        ] as const) {
          for (const width of [1280, 390]) {
            await page.setViewportSize({ width, height: 900 });
            await page.goto(`${url}/studio/${hash}`);
            await page.getByTestId('funnel').waitFor();
            await page.getByTestId('leaderboard').waitFor();
            await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
            await page.addScriptTag({ path: AXE_PATH });
            // A string, not a function: tsx's helpers (__name) do not exist in the page.
            const violations = (await page.evaluate(`axe.run().then((r) => r.violations
              .filter((v) => v.impact === 'serious' || v.impact === 'critical')
              .map((v) => v.impact + ' ' + v.id + ': ' + v.help))`)) as string[];
            const overflow = (await page.evaluate(
              'document.documentElement.scrollWidth - innerWidth',
            )) as number;
            console.log(
              `${name} at ${width} px: ${violations.length === 0 ? 'no serious or critical axe violation' : violations.join('; ')}${overflow > 0 ? `, scrolls sideways by ${overflow} px` : ''}`,
            );
          }
        }
        console.log(`\nScreenshots in ${SHOTS}/`);
      } finally {
        await browser.close();
      }
    }
  } finally {
    await coordinator.close();
    await pgSchema?.drop();
  }
}

await main();
