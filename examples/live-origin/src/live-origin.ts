/**
 * The standalone origin: an {@link OriginHandler} behind its own node:http server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ControlState } from './control-routes.js';
import type { FailureInjection } from './failure-plan.js';
import { sendError } from './http-util.js';
import type { EmulationSettings, LiveOriginOptions } from './options.js';
import { createOriginHandler, type OriginHandler } from './origin-handler.js';
import type { OriginStats } from './stats.js';

/** A running origin. Close it with {@link LiveOrigin.close}. */
export class LiveOrigin {
  /** Base URL, e.g. `http://127.0.0.1:43121` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** The handler serving the requests (for its fixture, epoch and rendition names). */
  readonly handler: OriginHandler;
  readonly #server: Server;
  #closing: Promise<void> | undefined;

  /** Use {@link startLiveOrigin}. */
  constructor(server: Server, handler: OriginHandler, url: string, port: number) {
    this.#server = server;
    this.handler = handler;
    this.url = url;
    this.port = port;
  }

  /** `/live/master.m3u8`, with `?client=` when given so every request is attributed. */
  liveMasterUrl(client?: string): string {
    return this.#withClient(`${this.url}/live/master.m3u8`, client);
  }

  /** `/vod/master.m3u8`, with `?client=` when given. */
  vodMasterUrl(client?: string): string {
    return this.#withClient(`${this.url}/vod/master.m3u8`, client);
  }

  /** `/stats`. */
  get statsUrl(): string {
    return `${this.url}/stats`;
  }

  #withClient(url: string, client: string | undefined): string {
    return client === undefined ? url : `${url}?client=${encodeURIComponent(client)}`;
  }

  stats(): OriginStats {
    return this.handler.stats();
  }

  resetStats(): void {
    this.handler.resetStats();
  }

  /** Changes the CDN emulation; throws `INVALID_OPTION` (and changes nothing) on a bad value. */
  configure(patch: Partial<EmulationSettings>): EmulationSettings {
    return this.handler.configure(patch);
  }

  /** The current emulation settings and pending one-shot failures. */
  control(): ControlState {
    return { settings: this.handler.settings(), pendingFailures: this.handler.pendingFailures() };
  }

  /** The next `count` segment requests whose path contains `match` fail as `kind`. */
  injectFailures(injection: FailureInjection): void {
    this.handler.injectFailures(injection);
  }

  /** Stops listening, ends every connection (stalled ones too) and clears every timer. */
  close(): Promise<void> {
    this.#closing ??= new Promise((resolve) => {
      this.handler.close();
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    return this.#closing;
  }
}

/**
 * Loads the fixture and starts serving it.
 *
 * @example
 * const origin = await startLiveOrigin({ windowSegments: 4, bandwidthKbps: 2000 });
 * console.log(origin.liveMasterUrl('viewer1'));
 * await origin.close();
 */
export async function startLiveOrigin(options: LiveOriginOptions = {}): Promise<LiveOrigin> {
  const handler = await createOriginHandler(options);
  const server = createServer((req, res) => {
    if (handler.handle(req, res)) return;
    res.setHeader('Access-Control-Allow-Origin', '*');
    sendError(res, 404, 'NOT_FOUND', `nothing at ${req.url ?? '/'}; try /live/master.m3u8`);
  });
  const { host } = handler.config;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(handler.config.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  // A wildcard address is not something a browser can open: point the URLs at loopback.
  const wildcard = host === '0.0.0.0' || host === '::';
  const urlHost = wildcard ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return new LiveOrigin(server, handler, `http://${urlHost}:${port}`, port);
}
