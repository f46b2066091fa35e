import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startLiveOrigin, type LiveOrigin, type LiveOriginOptions } from '@streamrp2p/live-origin';
import { createTracker, type Tracker, type TrackerOptions } from '@streamrp2p/tracker';
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
  tracker?: Omit<TrackerOptions, 'port' | 'host'>;
}

/** The running demo: the pages, and every service they talk to. */
export interface DemoStack {
  /** The page to open. */
  url: string;
  origin: LiveOrigin;
  tracker: Tracker;
  trackerUrl: string;
  site: StaticServer;
  close(): Promise<void>;
}

const publicDir = fileURLToPath(new URL('../public/', import.meta.url));
const sdkBrowserDir = fileURLToPath(
  new URL('../../../packages/player-sdk/dist/browser/', import.meta.url),
);

/**
 * Starts everything `npm start` shows: the live origin and the demo pages.
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
    // Everyone on the demo machine shares one IP: allow more than the default 3 tabs per swarm.
    const tracker = createTracker({
      maxPeersPerIpPerSwarm: 50,
      ...options.tracker,
      port: options.trackerPort ?? 0,
      host,
    });
    const trackerUrl = (await tracker.start()).url;
    started.push(tracker);
    const site = await startSite(host, options.port ?? 0, {
      origin: origin.url,
      tracker: trackerUrl,
      streamId: 'demo',
    });
    return {
      url: `${site.url}/`,
      origin,
      tracker,
      trackerUrl,
      site,
      async close() {
        await site.close();
        await tracker.close();
        await origin.close();
      },
    };
  } catch (error) {
    await Promise.all(started.map((service) => service.close().catch(() => undefined)));
    throw error;
  }
}

function startSite(
  host: string,
  port: number,
  config: Record<string, string>,
): Promise<StaticServer> {
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
        '/config.js': {
          contentType: 'text/javascript; charset=utf-8',
          body: () => `window.DEMO_CONFIG = ${JSON.stringify(config)};\n`,
        },
      },
    },
  );
}
