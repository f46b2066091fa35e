/**
 * Startup benchmark: where an SDK page's startup goes against a plain hls.js page's. Per round
 * and engine, `--pages` pages of the demo's live stream open one after another (each once the
 * previous one plays, `--gap-ms` apart, all kept open until the engine's turn ends) in one
 * headless Chromium, and each page's startup is split into player creation to the first
 * segment's request, that segment's transfer, and its last byte to the first frame. Lighter
 * and steadier than `bench:swarm` for comparing builds; prints medians and writes
 * bench/results/startup/startup-latest.{json,md}.
 *
 *   npm run bench:startup -- --pages 5 --rounds 2 --stream ts --cpu-load 0
 *
 * Needs the built packages (`npm run build`) and Chromium at /usr/bin/chromium.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startDemoStack } from '@streamrp2p/demo';
import { launchBrowser, playbackState, waitFor } from '../test/support/browser.js';
import { Closers } from './lib/closers.js';
import { startCpuLoad } from './lib/cpu-load.js';
import { choice, integer, parseFlags, UsageError } from './lib/flags.js';
import { cpuBusyShare, machineInfo, readCpuTicks, type MachineInfo } from './lib/machine.js';
import { median, medianRatio } from './lib/stats.js';
import { fixtureDirFor, STREAM_KINDS } from './lib/streams.js';
import { markdownTable, textTable } from './lib/table.js';

const ENGINES = { plain: 'plain.html', streamrp2p: 'sdk.html' } as const;
type Engine = keyof typeof ENGINES;

const HELP = `npm run bench:startup -- [--pages N] [--rounds N] [--stream ts|fmp4] [--cpu-load N] [--gap-ms MS]
  --pages     pages per engine and round, opened one after another (default 5, 1-10)
  --rounds    rounds, engines alternating in each (default 2, 1-10)
  --stream    the origin's fixture (default ts)
  --cpu-load  busy-loop processes during the run (default 0, 0-4)
  --gap-ms    wait between one page playing and the next opening (default 1000)`;

interface PageStartup {
  engine: Engine;
  round: number;
  page: number;
  startupMs: number;
  /** Player creation to the first media segment's request. */
  toRequestMs: number;
  /** The first media segment's request to its last byte. */
  transferMs: number;
  /** Its last byte to the first frame. */
  toFrameMs: number;
}

/** The median of a non-empty list (every engine opened at least one page). */
const medianOf = (values: number[]): number => median(values) ?? Number.NaN;

/** Startup of one page, from its playback probe and its first media segment's resource timing. */
async function measure(page: Page): Promise<Omit<PageStartup, 'engine' | 'round' | 'page'>> {
  return page.evaluate(() => {
    const probe = (window as unknown as { __playback: { createdAt: number; startupMs: number } })
      .__playback;
    const segment = performance
      .getEntriesByType('resource')
      .find((entry) => /\.(ts|m4s|mp4)$/.test(new URL(entry.name).pathname)) as
      PerformanceResourceTiming | undefined;
    if (!segment) throw new Error('no media segment in the resource timings');
    const frame = probe.createdAt + probe.startupMs;
    return {
      startupMs: probe.startupMs,
      toRequestMs: segment.startTime - probe.createdAt,
      transferMs: segment.responseEnd - segment.startTime,
      toFrameMs: frame - segment.responseEnd,
    };
  });
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), {
    pages: { type: 'string' },
    rounds: { type: 'string' },
    stream: { type: 'string' },
    'cpu-load': { type: 'string' },
    'gap-ms': { type: 'string' },
    help: { type: 'boolean' },
  });
  if (flags.help) return console.log(HELP);
  const params = {
    pages: integer('pages', flags.pages, 5, 1, 10),
    rounds: integer('rounds', flags.rounds, 2, 1, 10),
    stream: choice('stream', flags.stream, 'ts', STREAM_KINDS),
    cpuLoad: integer('cpu-load', flags['cpu-load'], 0, 0, 4),
    gapMs: integer('gap-ms', flags['gap-ms'], 1000, 0, 10_000),
  };
  const closers = new Closers();
  const results: PageStartup[] = [];
  let machine: MachineInfo | undefined;
  const ticksAtStart = readCpuTicks();
  try {
    // The same origin pacing as bench:swarm; the coordinator on in-memory PGlite (its work is
    // in this process, after the first frame only with the SDK's deferred connections).
    const demo = await startDemoStack({
      coordinator: { dataDir: 'memory://' },
      origin: { bandwidthKbps: 4000, latencyMs: 50, fixtureDir: fixtureDirFor(params.stream) },
    });
    closers.add('demo stack', () => demo.close());
    const browser = await launchBrowser();
    closers.add('browser', () => browser.close());
    machine = machineInfo(`Chromium ${browser.version()}`);
    startCpuLoad(params.cpuLoad, closers);
    const src = encodeURIComponent(`${demo.origin.url}/live/master.m3u8`);
    for (let round = 1; round <= params.rounds; round += 1) {
      for (const engine of Object.keys(ENGINES) as Engine[]) {
        const pages: Page[] = [];
        for (let index = 1; index <= params.pages; index += 1) {
          const page = await browser.newPage();
          pages.push(page);
          await page.goto(`${demo.url}${ENGINES[engine]}?src=${src}`);
          await waitFor(
            async () => (await playbackState(page))?.startupMs != null,
            30_000,
            `${engine} page ${index} to play`,
          );
          const startup = { engine, round, page: index, ...(await measure(page)) };
          results.push(startup);
          console.log(
            `${engine.padEnd(10)} round ${round} page ${index}: ${Math.round(startup.startupMs)} ms`,
          );
          await new Promise((resolve) => setTimeout(resolve, params.gapMs));
        }
        await Promise.all(pages.map((page) => page.close()));
      }
    }
  } finally {
    await closers.closeAll();
  }
  const cpuBusy = cpuBusyShare(ticksAtStart, readCpuTicks());
  const rows = (Object.keys(ENGINES) as Engine[]).map((engine) => {
    const mine = results.filter((result) => result.engine === engine);
    return {
      engine,
      pages: mine.length,
      startupMs: medianOf(mine.map((r) => r.startupMs)),
      toRequestMs: medianOf(mine.map((r) => r.toRequestMs)),
      transferMs: medianOf(mine.map((r) => r.transferMs)),
      toFrameMs: medianOf(mine.map((r) => r.toFrameMs)),
      // Against plain hls.js' pages, with a 95% bootstrap interval (as bench:swarm's).
      vsPlain: medianRatio(
        mine.map((r) => r.startupMs),
        results.filter((r) => r.engine === 'plain').map((r) => r.startupMs),
      ),
    };
  });
  const table = {
    headers: [
      'engine',
      'pages',
      'startup med ms',
      'x plain (95% interval)',
      'creation to request',
      'transfer',
      'last byte to frame',
    ],
    rows: rows.map((row) => [
      row.engine,
      String(row.pages),
      row.startupMs.toFixed(0),
      row.engine === 'plain' || row.vsPlain === null
        ? '1.00'
        : `${row.vsPlain.ratio.toFixed(2)} (${row.vsPlain.low.toFixed(2)}–${row.vsPlain.high.toFixed(2)})`,
      row.toRequestMs.toFixed(0),
      row.transferMs.toFixed(0),
      row.toFrameMs.toFixed(0),
    ]),
  };
  const generatedAt = new Date().toISOString();
  const line =
    `${params.pages} pages per engine and round, ${params.rounds} rounds, ${params.stream} stream, ` +
    `origin 4000 kbit/s per connection + 50 ms, CPU load ${params.cpuLoad}, machine CPU ` +
    `${cpuBusy === null ? '?' : `${Math.round(cpuBusy * 100)}%`} busy; ` +
    `${machine?.cpus} x ${machine?.cpuModel}, Node ${machine?.node}, ${machine?.chromium}`;
  console.log(`\n${line}\n${textTable(table)}`);
  const outDir = join(process.cwd(), 'bench/results/startup');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, 'startup-latest.json'),
    JSON.stringify(
      { benchmark: 'startup', generatedAt, params, machine, cpuBusy, rows, results },
      null,
      2,
    ),
  );
  writeFileSync(
    join(outDir, 'startup-latest.md'),
    `# Startup benchmark, ${generatedAt}\n\n${line}\n\nMedians, ms.\n\n${markdownTable(table)}\n`,
  );
  console.log('wrote bench/results/startup/startup-latest.json and startup-latest.md');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${HELP}`);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  },
);
