import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startLiveOrigin, type LiveOrigin, type LiveOriginOptions } from '@streamrp2p/live-origin';
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
   * Interface every server listens on.
   * @default '127.0.0.1'
   */
  host?: string;
  /** Extra live-origin options (CDN emulation, window length). */
  origin?: Omit<LiveOriginOptions, 'port' | 'host'>;
}

/** The running demo: the pages, and every service they talk to. */
export interface DemoStack {
  /** The page to open. */
  url: string;
  origin: LiveOrigin;
  site: StaticServer;
  close(): Promise<void>;
}

const publicDir = fileURLToPath(new URL('../public/', import.meta.url));

/**
 * Starts everything `npm start` shows: the live origin and the demo pages.
 *
 * @example
 * const demo = await startDemoStack({ port: 8080 });
 * console.log(`open ${demo.url}`);
 */
export async function startDemoStack(options: DemoStackOptions = {}): Promise<DemoStack> {
  const host = options.host ?? '127.0.0.1';
  const origin = await startLiveOrigin({ ...options.origin, port: options.originPort ?? 0, host });
  const config = { origin: origin.url };
  let site: StaticServer;
  try {
    site = await startStaticServer(
      [
        { path: '/vendor/hls.min.js', target: require.resolve('hls.js/dist/hls.min.js') },
        { path: '/', target: publicDir.replace(/\/$/, '') },
      ],
      {
        port: options.port ?? 0,
        host,
        routes: {
          '/config.js': {
            contentType: 'text/javascript; charset=utf-8',
            body: () => `window.DEMO_CONFIG = ${JSON.stringify(config)};\n`,
          },
        },
      },
    );
  } catch (error) {
    await origin.close();
    throw error;
  }
  return {
    url: `${site.url}/`,
    origin,
    site,
    async close() {
      await site.close();
      await origin.close();
    },
  };
}
