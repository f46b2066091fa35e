/**
 * One trial: a fresh demo stack (clean origin counters, clean swarms), one fresh Chromium
 * process, N viewers joining at a stagger, S seconds of playing after the last join, sampled
 * every second.
 */
import { startDemoStack, type DemoStack } from '@streamrp2p/demo';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../../test/support/browser.js';
import type { SwarmParams } from './args.js';
import type { Closers } from './closers.js';
import { BrowserCpu, cpuByKind } from './browser-cpu.js';
import { startCpuLoad } from './cpu-load.js';
import type { EngineDefinition, EngineServices } from './engines.js';
import { cpuBusyShare, ownCpuShare, readCpuTicks } from './machine.js';
import { appendGapMs, type MediaAppend } from './lockstep.js';
import { MEDIA_APPENDS, PAGE_TIMING } from './page-snippets.js';
import { createBenchSchema } from './pg-schema.js';
import { trialOverall, viewerResult, type JoinCpu, type TrialResult } from './results.js';
import { fixtureDirFor } from './streams.js';
import { Viewer } from './viewer.js';

const SAMPLE_EVERY_MS = 1000;

/** Writes each viewer's CPU profile as `<out>/profiles/<prefix>-<viewer>.cpuprofile`. */
async function saveProfiles(viewers: Viewer[], out: string, prefix: string): Promise<void> {
  const folder = join(out, 'profiles');
  await mkdir(folder, { recursive: true });
  for (const viewer of viewers) {
    const profile = await viewer.stopProfile();
    if (profile !== null)
      await writeFile(join(folder, `${prefix}-${viewer.id}.cpuprofile`), JSON.stringify(profile));
  }
}
const cores = os.cpus().length;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface TrialContext {
  params: SwarmParams;
  closers: Closers;
  repeat: number;
  /** Progress lines. */
  log: (line: string) => void;
  /** Called with the browser version once the browser runs. */
  onBrowser?: (version: string) => void;
}

function viewerUrl(
  stack: DemoStack,
  engine: EngineDefinition,
  client: string,
  extra: EngineServices | undefined,
  liveSync: number,
) {
  const query = new URLSearchParams({
    src: `${stack.origin.url}/live/master.m3u8?client=${encodeURIComponent(client)}`,
    // Every engine's page plays at the same distance from the live edge.
    liveSync: String(liveSync),
    ...engine.query,
    ...extra?.query,
  });
  return `${extra?.pageBaseUrl ?? stack.url}${engine.page}?${query}`;
}

export async function runTrial(engine: EngineDefinition, ctx: TrialContext): Promise<TrialResult> {
  const { params, closers, log } = ctx;
  const startedAt = new Date();
  // StreamrP2P runs as shipped: integrity checks and receipts against a coordinator (its
  // indexer fetches each segment once; the per-viewer origin figures leave that out), on
  // PostgreSQL in its own process when the run has it (PGlite would run in this one).
  let coordinator: NonNullable<Parameters<typeof startDemoStack>[0]>['coordinator'] = false;
  let dropSchema: (() => Promise<void>) | undefined;
  if (engine.name === 'streamrp2p') {
    if (params.database === 'postgres') {
      const schema = await createBenchSchema();
      dropSchema = closers.add(`${engine.name} database schema`, () => schema.drop());
      coordinator = { databaseUrl: schema.url };
    } else {
      coordinator = { dataDir: 'memory://' };
    }
  }
  const stack = await startDemoStack({
    host: '127.0.0.1',
    origin: {
      bandwidthKbps: params.bandwidthKbps,
      latencyMs: params.latencyMs,
      fixtureDir: fixtureDirFor(params.stream),
      byteRanges: params.byteRanges,
      ignoreRange: params.ignoreRange,
    },
    // Every viewer comes from 127.0.0.1: the per-IP cap must not keep any of them out.
    tracker: { maxPeersPerIpPerSwarm: params.peers + 10, maxSocketsPerIp: params.peers + 10 },
    coordinator,
  });
  const closeStack = closers.add(`${engine.name} demo stack`, () => stack.close());
  const extra = engine.prepare ? await engine.prepare(stack) : undefined;
  const closeExtra = extra
    ? closers.add(`${engine.name} services`, () => extra.close())
    : undefined;
  const viewers: Viewer[] = [];
  const closeViewers: (() => Promise<void>)[] = [];
  let closeBrowser: (() => Promise<void>) | undefined;
  let stopCpuLoad: (() => Promise<void>) | undefined;
  try {
    // Started with the browser, so the load covers the joins as well as the playing window.
    stopCpuLoad = startCpuLoad(params.cpuLoad, closers, params.viewerNice);
    // Every Chromium is up before the first join, so none starts beside a joining page.
    const browsers: Browser[] = [];
    const browserCount = params.browsers === 'shared' ? 1 : params.peers;
    closeBrowser = closers.add(`${engine.name} browsers`, async () => {
      await Promise.all(browsers.map((b) => b.close()));
    });
    for (let i = 0; i < browserCount; i += 1)
      browsers.push(await launchBrowser({ nice: params.viewerNice }));
    ctx.onBrowser?.(browsers[0]!.version());
    const browserCpu = await BrowserCpu.attach(browsers);
    const joinStart = {
      processes: await browserCpu.read(),
      ticks: readCpuTicks(),
      own: process.cpuUsage(),
    };
    const t0 = performance.now();
    const since = () => performance.now() - t0;
    // The joins' window: from the first join to the first sample at which every viewer plays,
    // where one page's startup competes with the others' work.
    let joinCpu: JoinCpu | null = null;
    const allStarted = () =>
      viewers.length === params.peers && viewers.every((v) => v.last?.startupMs != null);

    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const tick = since();
        await Promise.all(viewers.map((viewer) => viewer.sample(tick)));
        if (joinCpu === null && allStarted()) {
          const wallMs = since();
          joinCpu = {
            seconds: wallMs / 1000,
            busy: cpuBusyShare(joinStart.ticks, readCpuTicks()),
            servers: ownCpuShare(joinStart.own, wallMs),
            byProcess: cpuByKind(joinStart.processes, await browserCpu.read(), wallMs, cores),
          };
        }
        await sleep(Math.max(0, SAMPLE_EVERY_MS - (since() - tick)));
      }
    })();

    const joins: Promise<void>[] = [];
    for (let k = 1; k <= params.peers; k += 1) {
      if (k > 1) await sleep(params.joinIntervalMs);
      const viewer = new Viewer(`viewer${k}`, engine, log);
      viewers.push(viewer);
      closeViewers.push(closers.add(`${engine.name} ${viewer.id}`, () => viewer.close()));
      joins.push(
        viewer.open(
          browsers[(k - 1) % browsers.length]!,
          viewerUrl(stack, engine, viewer.id, extra, params.liveSync),
          since(),
          { profile: params.cpuProfile },
        ),
      );
    }
    await Promise.all(joins);
    log(
      `  ${engine.name}: ${params.peers} viewers joined in ${(since() / 1000).toFixed(1)} s; playing ${params.seconds} s`,
    );
    const cpuStart = readCpuTicks();
    const ownStart = process.cpuUsage();
    const playStart = performance.now();
    await sleep(params.seconds * 1000);
    const cpuBusy = cpuBusyShare(cpuStart, readCpuTicks());
    const serverCpu = ownCpuShare(ownStart, performance.now() - playStart);

    sampling = false;
    await sampler;
    const end = since();
    await Promise.all(viewers.map((viewer) => viewer.sample(end)));
    const origin = stack.origin.stats();
    const diagnostics = await Promise.all(
      viewers.map((viewer) =>
        engine.diagnosticsExpression ? viewer.evaluate(engine.diagnosticsExpression) : null,
      ),
    );
    const timings = await Promise.all(viewers.map((viewer) => viewer.evaluate(PAGE_TIMING)));
    const mainThreads = await Promise.all(viewers.map((viewer) => viewer.mainThread()));
    const appends = await Promise.all(viewers.map((viewer) => viewer.evaluate(MEDIA_APPENDS)));
    if (params.cpuProfile)
      await saveProfiles(viewers, params.out, `${engine.name}-run${ctx.repeat}`);
    const results = viewers.map((viewer, i) =>
      viewerResult(viewer, origin, diagnostics[i], timings[i], mainThreads[i]),
    );
    return {
      engine: engine.name,
      repeat: ctx.repeat,
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(performance.now() - t0),
      viewers: results,
      overall: trialOverall(
        results,
        origin,
        cpuBusy,
        serverCpu,
        appendGapMs(appends.map((list) => (Array.isArray(list) ? (list as MediaAppend[]) : []))),
        joinCpu,
      ),
    };
  } finally {
    await stopCpuLoad?.();
    await Promise.all(closeViewers.map((close) => close()));
    await closeBrowser?.();
    await closeExtra?.();
    await closeStack();
    await dropSchema?.();
  }
}
