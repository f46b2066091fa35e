/**
 * One viewer: its own browser context (no shared HTTP cache or storage), one page of the
 * engine's demo page, and the samples read from it every second.
 */
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import type { EngineDefinition } from './engines.js';
import { KEEP_RESOURCE_TIMINGS, LOG_MEDIA_APPENDS } from './page-snippets.js';

/** P2P counters an engine reports in its page. */
export interface PeerTraffic {
  httpBytes: number;
  p2pBytes: number;
  uploadedBytes: number;
  peers: number;
}

/** What one read of a viewer page gives. */
export interface ViewerSample {
  /** ms since the trial started (Node clock). */
  t: number;
  /** Navigation start to the first `playing` event, in ms (includes page and script load). */
  startupMs: number | null;
  /** The probe's own startup: from the probe's creation in the page script to `playing`. */
  probeStartupMs: number | null;
  currentTime: number;
  /** Seconds of media actually played (sum of `video.played` ranges). */
  playedSeconds: number;
  stalls: number;
  /** Stall time so far, including a stall still in progress. */
  stallMs: number;
  stalled: boolean;
  fatalError: { type: string; details: string } | null;
  /** Non-fatal and fatal hls.js errors, by `details`. */
  errorDetails: string[];
  fragments: number;
  traffic: PeerTraffic | null;
  /** Rendition playing, e.g. `360p` (`hls.currentLevel`: the level of the fragment at the playhead). */
  level: string | null;
  /** Index of that rendition in `hls.levels`. */
  levelIndex: number | null;
  /** Its BANDWIDTH from the master playlist, bits per second. */
  bitrate: number | null;
  /** Seconds behind the live edge (`hls.latency`); null before hls.js has computed it. */
  latency: number | null;
  /** The latency hls.js aims at (`hls.targetLatency`). */
  targetLatency: number | null;
  /** hls.js' ABR bandwidth estimate (`hls.bandwidthEstimate`), bits per second. */
  bandwidthEstimate: number | null;
  /** Playing levels in order, from the probe's LEVEL_SWITCHED log (repeats removed). */
  levelSwitches: number[];
}

const EVALUATE_TIMEOUT_MS = 5_000;
/** CPU profile sampling interval, in microseconds (DevTools' default is 1000). */
const PROFILE_SAMPLE_US = 500;
const KEEP_PAGE_ERRORS = 10;
/** Console errors a viewer prints to the bench log at most (engines with `logConsoleErrors`). */
const LOG_CONSOLE_ERRORS = 20;

function sampleScript(engine: EngineDefinition): string {
  return `(() => {
    const p = window.__playback;
    if (!p) return null;
    const now = performance.now();
    const video = document.querySelector('video');
    let played = 0;
    if (video) for (let i = 0; i < video.played.length; i++) played += video.played.end(i) - video.played.start(i);
    const traffic = ${engine.trafficExpression ?? 'null'};
    const h = ${engine.hlsExpression};
    const level = h && h.levels && h.currentLevel >= 0 ? h.levels[h.currentLevel] : null;
    return {
      startupMs: p.startupMs === null ? null : p.createdAt + p.startupMs,
      probeStartupMs: p.startupMs,
      currentTime: video ? video.currentTime : p.currentTime,
      playedSeconds: played,
      stalls: p.stalls,
      stallMs: p.stallMs + (p.stalledSince === null ? 0 : now - p.stalledSince),
      stalled: p.stalledSince !== null,
      fatalError: p.fatalError,
      errorDetails: p.errors.map((e) => e.details),
      fragments: p.fragments,
      traffic: traffic ? {
        httpBytes: traffic.httpBytes, p2pBytes: traffic.p2pBytes,
        uploadedBytes: traffic.uploadedBytes, peers: traffic.peers,
      } : null,
      level: level ? (level.height ? level.height + 'p' : String(h.currentLevel)) : null,
      levelIndex: level ? h.currentLevel : null,
      bitrate: level && level.bitrate ? level.bitrate : null,
      latency: h && h.latency > 0 ? h.latency : null,
      targetLatency: h && typeof h.targetLatency === 'number' ? h.targetLatency : null,
      bandwidthEstimate: h && h.bandwidthEstimate > 0 ? Math.round(h.bandwidthEstimate) : null,
      levelSwitches: Array.isArray(p.levelSwitches) ? p.levelSwitches.slice() : [],
    };
  })()`;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class Viewer {
  readonly samples: ViewerSample[] = [];
  readonly pageErrors: string[] = [];
  pageErrorCount = 0;
  failedSamples = 0;
  joinedAtMs: number | null = null;
  joinError: string | null = null;
  private ready = false;
  private context: BrowserContext | undefined;
  private page: Page | undefined;
  /** The page's DevTools session, for its main thread's busy time. */
  private cdp: CDPSession | undefined;
  private readonly script: string;
  private loggedConsoleErrors = 0;

  constructor(
    readonly id: string,
    readonly engine: EngineDefinition,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.script = sampleScript(engine);
  }

  get last(): ViewerSample | undefined {
    return this.samples.at(-1);
  }

  /**
   * Opens the page; a failure is recorded on the viewer, never thrown. With `profile`, the
   * page's main thread is CPU-profiled from before navigation until {@link stopProfile}.
   */
  async open(
    browser: Browser,
    url: string,
    joinedAtMs: number,
    { profile = false }: { profile?: boolean } = {},
  ): Promise<void> {
    this.joinedAtMs = joinedAtMs;
    try {
      this.context = await browser.newContext();
      await this.context.addInitScript(KEEP_RESOURCE_TIMINGS);
      await this.context.addInitScript(LOG_MEDIA_APPENDS);
      if (this.engine.initScript !== null) await this.context.addInitScript(this.engine.initScript);
      this.page = await this.context.newPage();
      this.cdp = await this.context.newCDPSession(this.page);
      await this.cdp.send('Performance.enable');
      if (profile) {
        await this.cdp.send('Profiler.enable');
        await this.cdp.send('Profiler.setSamplingInterval', { interval: PROFILE_SAMPLE_US });
        await this.cdp.send('Profiler.start');
      }
      this.page.on('pageerror', (error) => this.noteBrowserError(`page error: ${error.message}`));
      this.page.on('response', (response) => {
        if (response.status() >= 400) {
          this.notePageError(`HTTP ${response.status()} ${response.url().split('?')[0]}`);
        }
      });
      this.page.on('console', (message) => {
        if (message.type() === 'error') this.noteBrowserError(`console: ${message.text()}`);
      });
      await this.page.goto(url, { timeout: 30_000, waitUntil: 'load' });
      this.ready = true;
    } catch (error) {
      this.joinError = (error as Error).message.split('\n')[0] ?? 'page failed to open';
    }
  }

  /** Reads the page once; a slow or failed read counts in `failedSamples`. */
  async sample(t: number): Promise<void> {
    if (this.page === undefined || !this.ready) return;
    try {
      const sample = await withTimeout(
        this.page.evaluate(this.script) as Promise<Omit<ViewerSample, 't'> | null>,
        EVALUATE_TIMEOUT_MS,
        `sampling ${this.id}`,
      );
      if (sample !== null) this.samples.push({ t, ...sample });
    } catch {
      this.failedSamples += 1;
    }
  }

  /** Evaluates an engine's diagnostics expression at the end of the trial. */
  async evaluate(expression: string): Promise<unknown> {
    if (this.page === undefined || !this.ready) return null;
    try {
      return await withTimeout(this.page.evaluate(expression), EVALUATE_TIMEOUT_MS, this.id);
    } catch (error) {
      return { evaluateError: (error as Error).message };
    }
  }

  /**
   * Seconds the page's main thread spent in tasks (Chromium's `TaskDuration`) and in script
   * (`ScriptDuration`) since it opened: what the engine and the player cost the page.
   */
  async mainThread(): Promise<{ taskSeconds: number; scriptSeconds: number } | null> {
    if (this.cdp === undefined || !this.ready) return null;
    try {
      const { metrics } = await withTimeout(
        this.cdp.send('Performance.getMetrics'),
        EVALUATE_TIMEOUT_MS,
        `main thread of ${this.id}`,
      );
      const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
      return { taskSeconds: metric('TaskDuration'), scriptSeconds: metric('ScriptDuration') };
    } catch {
      return null;
    }
  }

  /** The CPU profile recorded since `open({ profile: true })`, or null without one. */
  async stopProfile(): Promise<unknown> {
    if (this.cdp === undefined || !this.ready) return null;
    try {
      const { profile } = await withTimeout(
        this.cdp.send('Profiler.stop'),
        EVALUATE_TIMEOUT_MS * 4,
        `profile of ${this.id}`,
      );
      return profile;
    } catch {
      return null;
    }
  }

  async close(): Promise<void> {
    const context = this.context;
    this.context = undefined;
    this.page = undefined;
    this.cdp = undefined;
    this.ready = false;
    await context?.close().catch(() => undefined);
  }

  /** A console error or uncaught exception: kept, and printed for `logConsoleErrors` engines. */
  private noteBrowserError(text: string): void {
    this.notePageError(text);
    if (!this.engine.logConsoleErrors || this.loggedConsoleErrors > LOG_CONSOLE_ERRORS) return;
    this.loggedConsoleErrors += 1;
    this.log(
      this.loggedConsoleErrors > LOG_CONSOLE_ERRORS
        ? `  ${this.id}: more page errors not shown (counted in the JSON)`
        : `  ${this.id} ${text.slice(0, 300)}`,
    );
  }

  private notePageError(text: string): void {
    this.pageErrorCount += 1;
    if (this.pageErrors.length < KEEP_PAGE_ERRORS) this.pageErrors.push(text.slice(0, 300));
  }
}
