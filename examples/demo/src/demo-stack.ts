import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import {
  createCoordinator,
  type Coordinator,
  type CoordinatorOptions,
} from '@streamrp2p/coordinator';
import { startLiveOrigin, type LiveOrigin, type LiveOriginOptions } from '@streamrp2p/live-origin';
import { createTracker, type Tracker, type TrackerOptions } from '@streamrp2p/tracker';
import { registerDemoStream, type DemoAccount } from './register-stream.js';
import { startStaticServer, type StaticServer } from './static-server.js';

const require = createRequire(import.meta.url);

/** Options of {@link startDemoStack}. */
export interface DemoStackOptions {
  /**
   * Port of the demo pages.
   * @default 0 (any free port)
   */
  port?: number;
  /**
   * Port of the live origin.
   * @default 0 (any free port)
   */
  originPort?: number;
  /**
   * Port of the tracker.
   * @default 0 (any free port)
   */
  trackerPort?: number;
  /**
   * Interface every server listens on.
   * @default '127.0.0.1'
   */
  host?: string;
  /** Extra live-origin options (CDN emulation, window length). */
  origin?: Omit<LiveOriginOptions, 'port' | 'host'>;
  /** Extra tracker options (limits). */
  tracker?: Omit<TrackerOptions, 'port' | 'host' | 'secret'>;
  /**
   * Coordinator options (port, `dataDir`, `databaseUrl`...), or `false` to run without one
   * (open tracker, no integrity check, no points): tests of the P2P layer alone do that.
   * @default {} (embedded PGlite in `.data/coordinator`, any free port)
   */
  coordinator?: Omit<CoordinatorOptions, 'host' | 'trackerSecret'> | false;
  /**
   * A file where the demo remembers its registered stream (API key and id), so that the next
   * run on the same coordinator database reuses it instead of registering another.
   * @default undefined (register a new stream every time)
   */
  stateFile?: string;
}

/** What the demo pages learn from `/config.js`. */
export interface DemoConfig {
  origin: string;
  tracker: string;
  streamId: string;
  coordinator?: string;
  /** The studio and its demo account (the password only when the pages listen on loopback). */
  studio?: { url: string; email: string; password?: string };
  /**
   * The coordinator's earnings rate, for the supporter page's estimate (the coordinator
   * publishes no rates endpoint; the demo runs it, so it knows them).
   */
  rates?: { currency: string; earningsMicrosPerKiloChunk: number; payableReputation: number };
}

/** The running demo: the pages, and every service they talk to. */
export interface DemoStack {
  /** The page to open. */
  url: string;
  origin: LiveOrigin;
  tracker: Tracker;
  trackerUrl: string;
  /** The running coordinator (undefined without one, or while stopped). */
  coordinator: Coordinator | undefined;
  coordinatorUrl: string | undefined;
  /**
   * Stops the coordinator, as an outage would (its data stays where `dataDir` says).
   * Outage tests use it; with an in-memory database a restart starts empty.
   */
  stopCoordinator(): Promise<void>;
  /** Starts it again on the same port, data and tracker secret. */
  restartCoordinator(): Promise<void>;
  /** The stream the pages play (registered at the coordinator when there is one). */
  streamId: string;
  /** The studio account that owns the stream (undefined without a coordinator). */
  account: DemoAccount | undefined;
  /** The studio's page (undefined without a coordinator). */
  studioUrl: string | undefined;
  site: StaticServer;
  /** The configuration the pages get. */
  config: DemoConfig;
  close(): Promise<void>;
}

const publicDir = fileURLToPath(new URL('../public/', import.meta.url));
const sdkBrowserDir = fileURLToPath(
  new URL('../../../packages/player-sdk/dist/browser/', import.meta.url),
);

/**
 * Starts everything `npm start` shows: the live origin, the tracker, the coordinator on its
 * embedded database (with the live test stream registered) and the demo pages.
 *
 * @example
 * const demo = await startDemoStack({ port: 8080 });
 * console.log(`open ${demo.url}`);
 */
export async function startDemoStack(options: DemoStackOptions = {}): Promise<DemoStack> {
  const host = options.host ?? '127.0.0.1';
  const started: { close(): Promise<void> }[] = [];
  try {
    const origin = await startLiveOrigin({
      ...options.origin,
      port: options.originPort ?? 0,
      host,
    });
    started.push(origin);
    // One process holds both ends of the tracker token, so a fresh secret per run is enough.
    const secret =
      options.coordinator === false ? undefined : randomBytes(32).toString('base64url');
    // Everyone on the demo machine shares one IP: allow more than the default 3 tabs per swarm.
    const tracker = createTracker({
      maxPeersPerIpPerSwarm: 50,
      maxSocketsPerIp: 1000,
      ...options.tracker,
      secret,
      port: options.trackerPort ?? 0,
      host,
    });
    const trackerUrl = (await tracker.start()).url;
    started.push(tracker);
    const config: DemoConfig = { origin: origin.url, tracker: trackerUrl, streamId: 'demo' };
    const site = await startSite(host, options.port ?? 0, config);
    started.push(site);

    const coordinatorOptions: CoordinatorOptions | undefined =
      options.coordinator === false
        ? undefined
        : {
            // Every viewer of the demo is on 127.0.0.1: same-IP receipts must count here.
            receiptsSameIpAllowed: true,
            // ... and the sybil limits per address must not keep its viewers out.
            sessionsPerMinutePerAddress: 1000,
            liveSessionsPerAddress: 1000,
            sessionsPerMinutePerNetwork: 1000,
            liveSessionsPerNetwork: 1000,
            streamersPerHourPerAddress: 100,
            uploadersPerAddress: 1000,
            // The coordinator fetches only public addresses, except the demo's own origin.
            originAllowList: [new URL(origin.url).hostname.replace(/^\[(.*)\]$/, '$1')],
            publicSdkUrl: `${site.url}/sdk/streamrp2p.iife.js`,
            trackerPublicUrl: trackerUrl,
            // The studio's chart shows the minutes the metrics job computed: every minute here
            // (10 by default), so a first run's chart fills while one watches.
            metricsRollupIntervalMs: 60_000,
            ...options.coordinator,
            trackerSecret: secret,
            host,
          };
    let coordinator: Coordinator | undefined;
    let account: DemoAccount | undefined;
    if (coordinatorOptions) {
      coordinator = createCoordinator(coordinatorOptions);
      started.push({ close: () => coordinator?.close() ?? Promise.resolve() });
      const address = await coordinator.start();
      config.coordinator = address.url;
      config.rates = {
        currency: coordinator.config.currency,
        earningsMicrosPerKiloChunk: coordinator.config.earningsMicrosPerKiloChunk,
        payableReputation: coordinator.config.payableReputation,
      };
      // A restart comes back on the same port, so the pages' URL stays right.
      coordinatorOptions.port = address.port;
      // `client=indexer` makes the origin count the indexer's fetches on their own.
      const database =
        coordinatorOptions.databaseUrl ?? coordinatorOptions.dataDir ?? '.data/coordinator';
      const registered = await registerDemoStream(
        config.coordinator,
        `${origin.url}/live/master.m3u8?client=indexer`,
        options.stateFile ? { stateFile: options.stateFile, coordinatorDb: database } : undefined,
      );
      config.streamId = registered.streamId;
      account = registered.account;
      config.studio = {
        url: `${config.coordinator}/studio/`,
        email: account.email,
        // Anyone who can load the pages can read /config.js: off loopback, only the terminal
        // shows the password.
        ...(isLoopback(host) ? { password: account.password } : {}),
      };
    }
    return {
      url: `${site.url}/`,
      origin,
      tracker,
      trackerUrl,
      get coordinator() {
        return coordinator;
      },
      coordinatorUrl: config.coordinator,
      streamId: config.streamId,
      account,
      studioUrl: config.studio?.url,
      site,
      config,
      async stopCoordinator() {
        await coordinator?.close();
        coordinator = undefined;
      },
      async restartCoordinator() {
        if (!coordinatorOptions || coordinator) return;
        coordinator = createCoordinator(coordinatorOptions);
        await coordinator.start();
      },
      async close() {
        await site.close();
        await tracker.close();
        await coordinator?.close();
        await origin.close();
      },
    };
  } catch (error) {
    await Promise.all(started.map((service) => service.close().catch(() => undefined)));
    throw error;
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

function startSite(host: string, port: number, config: DemoConfig): Promise<StaticServer> {
  return startStaticServer(
    [
      { path: '/vendor/hls.min.js', target: require.resolve('hls.js/dist/hls.min.js') },
      { path: '/sdk/', target: sdkBrowserDir.replace(/\/$/, '') },
      { path: '/', target: publicDir.replace(/\/$/, '') },
    ],
    {
      port,
      host,
      routes: {
        // Read at request time: the coordinator fills in its URL and stream id after start.
        '/config.js': {
          contentType: 'text/javascript; charset=utf-8',
          body: () => `window.DEMO_CONFIG = ${JSON.stringify(config)};\n`,
        },
      },
    },
  );
}
