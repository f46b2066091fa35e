/**
 * Studio first-paint benchmark (issue 12's KPI: the dashboard's first paint under 2 s with 30
 * days of data). A real coordinator on PGlite (or PostgreSQL with --database-url) serving the
 * built studio; one stream seeded with 30 days of minute buckets (43,200 rows), supporters'
 * sessions and receipts; a signed-in Chromium opens the stream's dashboard cold N times and
 * reads first paint, first contentful paint, the chart drawn with its data, and the whole
 * dashboard (live figures, chart, top supporters) shown; then the month range's redraw.
 * Prints and writes bench/results/studio/first-paint-latest.md. `npm run bench:studio -- --help`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { createCoordinator } from '@streamrp2p/coordinator';
import { studioDistDir } from '../../packages/coordinator/src/studio/studio-static.js';
import { launchBrowser } from '../../test/support/browser.js';
import { integer, parseFlags, UsageError } from '../lib/flags.js';
import { markdownTable, textTable, type Table } from '../lib/table.js';

const OUT_DIR = fileURLToPath(new URL('../results/studio/', import.meta.url));
const HELP = `npm run bench:studio -- [--runs N] [--receipts M] [--database-url URL]

Defaults: 5 cold page loads; 30 days of minute buckets, 500 supporters and 50,000 receipts on
the stream; embedded PGlite in memory. Needs the built studio (npm run build).`;
const MINUTE = 60_000;
const DAY = 86_400_000;
const DAYS = 30;
const TARGET_FIRST_PAINT_MS = 2000;

interface Args {
  runs: number;
  receipts: number;
  supporters: number;
  databaseUrl: string | undefined;
}

function parseArgs(argv: string[]): Args {
  try {
    const flags = parseFlags(argv, {
      help: { type: 'boolean' },
      runs: { type: 'string' },
      receipts: { type: 'string' },
      'database-url': { type: 'string' },
    });
    if (flags.help) {
      console.log(HELP);
      process.exit(0);
    }
    return {
      runs: integer('runs', flags.runs, 5, 1),
      receipts: integer('receipts', flags.receipts, 50_000, 1),
      supporters: 500,
      databaseUrl: flags['database-url'],
    };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${HELP}`);
    process.exit(2);
  }
}

interface PageFigures {
  firstPaint: number;
  firstContentfulPaint: number;
  chartDrawn: number;
  dashboard: number;
  monthRedraw: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
};

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (studioDistDir() === undefined) {
    console.error('The studio is not built: run `npm run build` first.');
    process.exit(1);
  }
  const coordinator = createCoordinator({
    ...(args.databaseUrl === undefined
      ? { dataDir: 'memory://' }
      : { databaseUrl: args.databaseUrl }),
    host: '127.0.0.1',
    port: 0,
    indexerEnabled: false,
    logLevel: 'silent',
  });
  const { url } = await coordinator.start();
  const browser = await launchBrowser();
  try {
    // A streamer signs up as the studio does; its session cookie opens the dashboard.
    const signUp = await fetch(`${url}/api/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `bench-${Date.now()}@example.com`,
        password: 'bench password 1',
        name: 'Bench channel',
      }),
    });
    if (!signUp.ok) throw new Error(`sign-up answered ${signUp.status}: ${await signUp.text()}`);
    const { streamer } = (await signUp.json()) as { streamer: { streamerId: string } };
    const cookie = signUp.headers.getSetCookie()[0]!.split(';')[0]!;
    const [cookieName, cookieValue] = [
      cookie.slice(0, cookie.indexOf('=')),
      cookie.slice(cookie.indexOf('=') + 1),
    ];

    const seedStarted = performance.now();
    const streamId = 'bench-stream';
    const now = Date.now();
    const end = Math.floor(now / MINUTE) * MINUTE;
    const start = new Date(end - DAYS * DAY);
    const db = coordinator.db;
    await db
      .insertInto('streams')
      .values({
        id: streamId,
        streamer_id: streamer.streamerId,
        hls_url: 'https://cdn.example.com/live/master.m3u8',
        title: 'Thirty days live',
        created_at: new Date(end - (DAYS + 1) * DAY),
        updated_at: new Date(end - (DAYS + 1) * DAY),
        deleted_at: null,
      })
      .execute();
    await sql`
      insert into stream_metrics_minute (stream_id, bucket_start, p2p_bytes, cdn_bytes,
        cdn_segments, viewers, supporters, stalls, usage_reports)
      select ${streamId}, ${start}::timestamptz + g * interval '1 minute',
        40000000 + (g::bigint * 7919) % 20000000 + 15000000 * sin(g / 240.0)::bigint,
        20000000 + (g::bigint * 104729) % 8000000, 40, 200 + g % 50, 60 + g % 20, g % 3, 400
      from generate_series(0, ${DAYS * 1440 - 1}) as g`.execute(db);
    await sql`
      insert into sessions (id, stream_id, viewer_id, peer_id, public_key, secret_hash, ip,
        created_at, last_seen_at)
      select 'bs' || g, ${streamId}, 'bv' || g, 'bp' || g, 'k', 'bh' || g, '198.51.100.' || (g % 250),
        ${start}::timestamptz + (g % 700) * interval '1 hour', ${new Date(now)}::timestamptz
      from generate_series(1, ${args.supporters}) g`.execute(db);
    await sql`
      insert into receipts (stream_id, rendition, sequence, receiver_viewer_id,
        receiver_session_id, uploader_session_id, uploader_viewer_id, byte_length, signed_at,
        credited_at, delivery_ms)
      select ${streamId}, 'r', g, 'receiver', 'receiver-session',
        'bs' || (1 + (g::bigint * g) % ${args.supporters}),
        'bv' || (1 + (g::bigint * g) % ${args.supporters}),
        100000 + (g::bigint * 7919) % 2000000, 0,
        ${start}::timestamptz + (g::float8 / ${args.receipts} * ${DAYS * DAY - MINUTE})
          * interval '1 ms', 100 + g % 900
      from generate_series(1, ${args.receipts}) g`.execute(db);
    await sql`analyze`.execute(db);
    const seedMs = performance.now() - seedStarted;

    const runs: PageFigures[] = [];
    for (let i = 0; i < args.runs; i++) {
      // A fresh context each time: no cache, as a streamer's first visit of the day.
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addCookies([{ name: cookieName!, value: cookieValue!, url }]);
      const page = await context.newPage();
      await page.goto(`${url}/studio/#/streams/${streamId}`);
      await page.waitForFunction(
        () => performance.getEntriesByName('studio-chart-drawn').length > 0,
      );
      await page.getByTestId('top-supporters').waitFor();
      await page.waitForFunction(() =>
        document.querySelector('[data-testid=live-kpis]')?.getAttribute('data-at'),
      );
      const dashboard = await page.evaluate(() => performance.now());
      // A string, not a function: tsx's helpers (__name) do not exist in the page.
      const paints = (await page.evaluate(`(() => {
        const paint = (name) =>
          performance.getEntriesByType('paint').find((e) => e.name === name)?.startTime ?? NaN;
        return {
          firstPaint: paint('first-paint'),
          firstContentfulPaint: paint('first-contentful-paint'),
          chartDrawn: performance.getEntriesByName('studio-chart-drawn')[0].startTime,
        };
      })()`)) as Pick<PageFigures, 'firstPaint' | 'firstContentfulPaint' | 'chartDrawn'>;
      const monthStarted = await page.evaluate(() => {
        performance.clearMarks('studio-chart-drawn');
        return performance.now();
      });
      await page.getByRole('button', { name: 'Month' }).click();
      await page.waitForFunction(
        () => performance.getEntriesByName('studio-chart-drawn').length > 0,
      );
      const monthDrawn = await page.evaluate(
        () => performance.getEntriesByName('studio-chart-drawn')[0]!.startTime,
      );
      runs.push({ ...paints, dashboard, monthRedraw: monthDrawn - monthStarted });
      await context.close();
    }

    const ms = (v: number) => v.toFixed(0);
    const table: Table = {
      headers: ['figure (ms)', 'median', 'max'],
      rows: (
        [
          ['first paint', 'firstPaint'],
          ['first contentful paint', 'firstContentfulPaint'],
          ['chart drawn (hour, 60 points)', 'chartDrawn'],
          ['dashboard complete (live, chart, top supporters)', 'dashboard'],
          ['month range redrawn (720 hours, from click)', 'monthRedraw'],
        ] as const
      ).map(([label, key]) => [
        label,
        ms(median(runs.map((r) => r[key]))),
        ms(Math.max(...runs.map((r) => r[key]))),
      ]),
    };
    const firstPaint = median(runs.map((r) => r.firstPaint));
    const verdict = `first paint median ${ms(firstPaint)} ms: ${firstPaint < TARGET_FIRST_PAINT_MS ? 'within' : 'OVER'} the ${TARGET_FIRST_PAINT_MS} ms target`;
    const setup = `${args.databaseUrl === undefined ? 'PGlite (in memory)' : 'PostgreSQL'}; ${DAYS * 1440} minute buckets, ${args.supporters} supporters, ${args.receipts} receipts (seeded in ${ms(seedMs)} ms); ${args.runs} cold loads at 1280 px; ${os.cpus().length} cores, Node ${process.version}`;
    console.log(`Studio first paint: ${setup}\n\n${textTable(table)}\n\n${verdict}`);
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(
      `${OUT_DIR}first-paint-latest.md`,
      `# Studio first paint\n\n${new Date().toISOString()} — \`npm run bench:studio\`\n\n${setup}.\n\n${markdownTable(table)}\n\n${verdict}.\n`,
    );
  } finally {
    await browser.close();
    await coordinator.close();
  }
}

await main();
