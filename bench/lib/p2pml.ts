/**
 * What the p2p-media-loader 2.3.1 engine needs next to the demo stack: a local WebTorrent
 * tracker (its only signalling protocol) and a small site for its page and browser bundles.
 * The demo's origin and CDN emulation are the same ones the other engines get.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import TrackerServer from 'bittorrent-tracker/server';
import { startStaticServer } from '@streamrp2p/demo';
import type { EngineDefinition, EngineServices } from './engines.js';
import { COUNT_RTC_CONNECTIONS, RTC_CONNECTION_STATES } from './page-snippets.js';

const require = createRequire(import.meta.url);
const HOST = '127.0.0.1';

/** `dist/` of an npm package whose `exports` only name its `lib/` entry. */
function distFile(packageName: string, file: string): string {
  return join(dirname(fileURLToPath(import.meta.resolve(packageName))), '..', 'dist', file);
}

/** The WebTorrent tracker, WebSocket only, on a free loopback port. */
async function startWebTorrentTracker(): Promise<{ url: string; close(): Promise<void> }> {
  const server = new TrackerServer({ ws: true, http: false, udp: false, stats: false });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Peers that vanish (closed pages) make the server warn; the run goes on regardless.
  server.on('warning', () => undefined);
  server.on('error', (error: Error) => console.error(`p2pml tracker: ${error.message}`));
  const { port } = server.http!.address() as AddressInfo;
  return {
    url: `ws://${HOST}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Starts the tracker and the page site (it needs nothing from the demo stack but its origin,
 * which the page gets as `src=`; the demo's probe and query helper are served from their
 * source); the viewer pages get `tracker=` and open `<site>/p2pml.html`.
 */
async function prepareP2pml(): Promise<EngineServices> {
  const tracker = await startWebTorrentTracker();
  try {
    const site = await startStaticServer(
      [
        {
          path: '/p2pml.html',
          target: fileURLToPath(new URL('../pages/p2pml.html', import.meta.url)),
        },
        {
          path: '/p2pml/core.js',
          target: distFile('p2p-media-loader-core', 'p2p-media-loader-core.es.min.js'),
        },
        {
          path: '/p2pml/hlsjs.js',
          target: distFile('p2p-media-loader-hlsjs', 'p2p-media-loader-hlsjs.es.min.js'),
        },
        { path: '/vendor/hls.min.js', target: require.resolve('hls.js/dist/hls.min.js') },
        ...['/playback-probe.js', '/hls-params.js'].map((path) => ({
          path,
          target: fileURLToPath(new URL(`../../examples/demo/public${path}`, import.meta.url)),
        })),
      ],
      { host: HOST, port: 0 },
    );
    return {
      query: { tracker: tracker.url },
      pageBaseUrl: `${site.url}/`,
      async close() {
        await site.close();
        await tracker.close();
      },
    };
  } catch (error) {
    await tracker.close();
    throw error;
  }
}

/** p2p-media-loader 2.3.1's own values (`Core.DEFAULT_STREAM_CONFIG`) of the settings we vary. */
export const P2PML_CORE_DEFAULTS = Object.freeze({
  highDemandTimeWindow: 15,
  simultaneousHttpDownloads: 2,
  simultaneousP2PDownloads: 3,
  httpDownloadTimeWindow: 3000,
  p2pDownloadTimeWindow: 6000,
  httpDownloadInitialTimeoutMs: 0,
});

export type P2pmlCoreSetting = keyof typeof P2PML_CORE_DEFAULTS;

/** How one p2p-media-loader engine differs from the library's defaults. */
export interface P2pmlOptions {
  /** One line: what this configuration is. */
  label: string;
  /** Core stream settings that differ from {@link P2PML_CORE_DEFAULTS}. @default {} */
  core?: Partial<Record<P2pmlCoreSetting, number>>;
  /**
   * Leave hls.js' `maxBufferLength` unset, so p2p-media-loader lowers it to
   * max(2 x target duration, highDemandTimeWindow) s as it does for its users; otherwise it is
   * set to 30 (the hls.js default every other engine plays with). @default false
   */
  ownBufferLength?: boolean;
}

/** `highDemandTimeWindow 3* s, ...`: every varied setting, changed ones starred. */
function coreSettingsText(core: Partial<Record<P2pmlCoreSetting, number>>): string {
  const unit = (name: string) =>
    name.endsWith('Ms') ? ' ms' : name.endsWith('Window') ? ' s' : '';
  const parts = Object.entries(P2PML_CORE_DEFAULTS).map(([name, fallback]) => {
    const value = core[name as P2pmlCoreSetting];
    return value === undefined
      ? `${name} ${fallback}${unit(name)}`
      : `${name} ${value}*${unit(name)}`;
  });
  return `${parts.join(', ')} (* = not the default); no integrity check, no upload limit; local WebTorrent tracker, swarmId bench-live, iceServers []`;
}

/**
 * A p2p-media-loader engine on `bench/pages/p2pml.html`: the page gets each core setting as
 * `core.<name>=` and `buffer=own` for {@link P2pmlOptions.ownBufferLength}.
 */
export function p2pmlEngine(name: string, options: P2pmlOptions): EngineDefinition {
  const core = options.core ?? {};
  const query: Record<string, string> = Object.fromEntries(
    Object.entries(core).map(([setting, value]) => [`core.${setting}`, String(value)]),
  );
  if (options.ownBufferLength) query['buffer'] = 'own';
  return {
    name,
    label: `p2p-media-loader-hlsjs 2.3.1, ${options.label}`,
    hlsSettings:
      'enableWorker false (needed: with the worker its P2P segments arrive empty), ' +
      (options.ownBufferLength
        ? 'maxBufferLength left to p2p-media-loader (max(2 x target duration, highDemandTimeWindow) s)'
        : 'maxBufferLength 30 set explicitly (the hls.js default; left unset, p2p-media-loader lowers it)') +
      ', lowLatencyMode false; otherwise hls.js 1.7.4 defaults',
    p2pSettings: coreSettingsText(core),
    page: 'p2pml.html',
    query,
    prepare: prepareP2pml,
    trafficExpression: 'window.__p2pml ? window.__p2pml.stats : null',
    hlsExpression: 'window.__hls || null',
    initScript: `(() => ${COUNT_RTC_CONNECTIONS})()`,
    diagnosticsExpression: `window.__p2pml ? {
      peerLog: window.__p2pml.events.peerLog,
      rtcConnections: ${RTC_CONNECTION_STATES},
      stats: window.__p2pml.stats,
      segmentsBySource: window.__p2pml.events.segments,
      segmentBytesBySource: window.__p2pml.events.segmentBytes,
      errorCount: window.__p2pml.events.errorCount,
      errors: window.__p2pml.events.errors,
      hlsConfig: window.__hls ? {
        enableWorker: window.__hls.config.enableWorker,
        liveSyncDurationCount: window.__hls.config.liveSyncDurationCount,
        maxBufferLength: window.__hls.config.maxBufferLength,
      } : null,
      coreConfig: window.__hls ? Object.fromEntries(Object.entries(window.__hls.p2pEngine.getConfig().core.mainStream)
        .filter(([, value]) => typeof value === 'number')) : null,
    } : null`,
    logConsoleErrors: true,
  };
}
