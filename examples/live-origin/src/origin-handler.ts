/**
 * The origin as a request handler, independent of any server, so another node:http server (the
 * demo) can mount it next to its own routes. It owns the live clock, the counters, the
 * emulation settings and every timer it starts; `close()` cancels them.
 */
import { setMaxListeners } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sleep } from './abortable-sleep.js';
import { applyRange } from './byte-range.js';
import { concatenateFixture, type ConcatenatedStream } from './concatenated-stream.js';
import { handleControl, isControlPath, type OriginControls } from './control-routes.js';
import { FailurePlan, type FailureInjection } from './failure-plan.js';
import { loadFixture, type Fixture } from './fixture.js';
import {
  answerPreflight,
  identifyClient,
  sendError,
  sendJson,
  setCorsHeaders,
} from './http-util.js';
import { createLiveTimeline, fullWindowMs, type LiveTimeline } from './live-timeline.js';
import type { MediaResource } from './media-resource.js';
import { mediaKind, resolveMedia } from './media-routes.js';
import {
  DEFAULT_LIVE_ORIGIN_CONFIG,
  mergeLiveOriginConfig,
  pickEmulation,
  type EmulationSettings,
  type FailureKind,
  type LiveOriginConfig,
  type LiveOriginOptions,
} from './options.js';
import { sendBody } from './send-body.js';
import { TrafficStats, type OriginStats, type TrafficKind } from './stats.js';

const INJECTED_FAILURE_BODY = Buffer.from('injected failure\n');

/**
 * Serves `/vod/*`, `/live/*`, `/stats` and `/control*`. Build it with
 * {@link createOriginHandler}; `handle()` returns false for paths it does not own, leaving the
 * response untouched for the host server.
 *
 * @example
 * const origin = await createOriginHandler({ windowSegments: 4 });
 * http.createServer((req, res) => origin.handle(req, res) || serveMyPages(req, res));
 */
export class OriginHandler implements OriginControls {
  readonly fixture: Fixture;
  /** Wall-clock time (by the `now` option) at which live sequence 0 started. */
  readonly epochMs: number;
  /** The validated configuration it was built with (emulation fields: initial values). */
  readonly config: Readonly<LiveOriginConfig>;
  #emulation: EmulationSettings;
  readonly #timeline: LiveTimeline;
  /** With `byteRanges`: each rendition's concatenated file, by rendition name. */
  readonly #streams: ReadonlyMap<string, ConcatenatedStream> | undefined;
  readonly #stats: TrafficStats;
  readonly #failures = new FailurePlan();
  /** Aborted by `close()`. Every delayed response listens to it while it waits, then stops. */
  readonly #abort = new AbortController();

  constructor(fixture: Fixture, config: LiveOriginConfig) {
    // One listener per response in flight is expected, not a leak: no limit, no warning.
    setMaxListeners(0, this.#abort.signal);
    this.fixture = fixture;
    this.config = Object.freeze({ ...config });
    this.#emulation = pickEmulation(config);
    this.#timeline = createLiveTimeline(fixture.durationsMs);
    this.#streams = config.byteRanges ? concatenateFixture(fixture) : undefined;
    // The stream "started" one full window ago, so the first playlist is already playable.
    this.epochMs = config.now() - fullWindowMs(this.#timeline, config.windowSegments);
    this.#stats = new TrafficStats(config.now);
  }

  /** Names of the renditions, as used in `/live/<rendition>/...`. */
  get renditions(): string[] {
    return this.fixture.renditions.map((r) => r.name);
  }

  stats(): OriginStats {
    return this.#stats.snapshot();
  }

  resetStats(): void {
    this.#stats.reset();
  }

  settings(): EmulationSettings {
    return { ...this.#emulation };
  }

  /** Changes emulation settings at runtime; throws `INVALID_OPTION` and changes nothing on a bad value. */
  configure(patch: Partial<EmulationSettings>): EmulationSettings {
    this.#emulation = mergeLiveOriginConfig(this.#emulation, patch, { emulationOnly: true });
    return this.settings();
  }

  /** Makes the next `count` segment requests whose path contains `match` fail as `kind`. */
  injectFailures(injection: FailureInjection): void {
    this.#failures.inject(injection);
  }

  pendingFailures(): number {
    return this.#failures.pendingCount();
  }

  /** Cancels every timer and stalled response; later requests still get answered, unthrottled. */
  close(): void {
    this.#abort.abort();
    this.#failures.clear();
  }

  /** Handles `req` if its path belongs to the origin; returns false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://origin.invalid');
    const kind = mediaKind(url.pathname);
    if (kind === undefined && !isControlPath(url.pathname)) return false;
    setCorsHeaders(res);
    if (req.method === 'OPTIONS') answerPreflight(res);
    else if (kind === undefined) void this.#guard(res, handleControl(this, req, res, url.pathname));
    else void this.#guard(res, this.#serveMedia(req, res, url, kind));
    return true;
  }

  /** A bug in a route must not crash the process that hosts the origin. */
  async #guard(res: ServerResponse, work: Promise<void>): Promise<void> {
    try {
      await work;
    } catch (err) {
      if (!res.headersSent)
        sendJson(res, 500, { error: { code: 'INTERNAL', message: String(err) } });
      else res.destroy();
    }
  }

  async #serveMedia(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    kind: TrafficKind,
  ): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD, OPTIONS');
      sendError(res, 405, 'METHOD_NOT_ALLOWED', `${req.method ?? '?'} is not allowed here`);
      return;
    }
    const client = identifyClient(req, url);
    if (client === undefined) {
      sendError(res, 400, 'BAD_CLIENT_ID', 'client id must be 1-128 printable ASCII characters');
      return;
    }
    this.#stats.addRequest(client.id, kind);
    const { windowSegments, retentionWindows, now } = this.config;
    const resource = resolveMedia(url.pathname, {
      fixture: this.fixture,
      timeline: this.#timeline,
      epochMs: this.epochMs,
      elapsedMs: now() - this.epochMs,
      windowSegments,
      retentionWindows,
      streams: this.#streams,
      propagateClient: client.fromQuery,
    });
    const emulation = this.#emulation;
    if (emulation.latencyMs > 0 && !(await sleep(emulation.latencyMs, this.#abort.signal))) {
      res.destroy();
      return;
    }
    const failure =
      resource.status === 200 && resource.kind === 'segment' && req.method === 'GET'
        ? this.#failures.next(url.pathname, emulation.failureRate, emulation.failureKind)
        : undefined;
    if (failure !== undefined) this.#stats.addFailure();
    const count = (bytes: number): void => this.#stats.addBytes(client.id, kind, bytes);
    await this.#respond(req, res, resource, { emulation, failure, onBytes: count });
  }

  async #respond(
    req: IncomingMessage,
    res: ServerResponse,
    resource: MediaResource,
    delivery: {
      emulation: EmulationSettings;
      failure: FailureKind | undefined;
      onBytes: (bytes: number) => void;
    },
  ): Promise<void> {
    const { emulation, failure, onBytes } = delivery;
    let status: number = resource.status;
    let body = resource.body;
    const headers: Record<string, string> = {
      'Content-Type': resource.contentType,
      'Cache-Control': resource.cacheControl,
    };
    if (failure === '503') {
      status = 503;
      body = INJECTED_FAILURE_BODY;
      headers['Content-Type'] = 'text/plain; charset=utf-8';
      headers['Cache-Control'] = 'no-store';
      headers['Retry-After'] = '1';
    } else if (resource.kind === 'segment' && status === 200) {
      const ranged = applyRange(req.headers.range, body, emulation.ignoreRange);
      status = ranged.status;
      body = ranged.body;
      Object.assign(headers, ranged.headers);
    }
    headers['Content-Length'] = String(body.length);
    res.writeHead(status, headers);
    if (req.method === 'HEAD' || status === 416) {
      res.end();
      return;
    }
    await sendBody(res, body, {
      bytesPerSecond: emulation.bandwidthKbps * 125,
      ...(failure === 'stall' || failure === 'truncate' ? { failure } : {}),
      signal: this.#abort.signal,
      onBytes,
    });
  }
}

/**
 * Loads the fixture and builds an {@link OriginHandler}. Options are validated first; bad
 * values throw `INVALID_OPTION`, an unusable fixture throws `INVALID_FIXTURE`.
 */
export async function createOriginHandler(options: LiveOriginOptions = {}): Promise<OriginHandler> {
  const config = mergeLiveOriginConfig(DEFAULT_LIVE_ORIGIN_CONFIG, options);
  return new OriginHandler(await loadFixture(config.fixtureDir), config);
}
