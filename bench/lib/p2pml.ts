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
 * which the page gets as `src=`); the viewer pages get `tracker=` and open `<site>/p2pml.html`.
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
        {
          path: '/playback-probe.js',
          target: fileURLToPath(
            new URL('../../examples/demo/public/playback-probe.js', import.meta.url),
          ),
        },
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

/**
 * The p2p-media-loader engine, on `bench/pages/p2pml.html`. `query` goes to the page:
 * `tune: '1'` lets p2p-media-loader retune hls.js' live settings.
 */
export function p2pmlEngine(name: string, query: Record<string, string>): EngineDefinition {
  const tuned = query['tune'] === '1';
  return {
    name,
    label:
      'p2p-media-loader-hlsjs 2.3.1 + local WebTorrent tracker, hls.js worker off' +
      (tuned ? ', its own live tuning' : ''),
    settings:
      'hls.js 1.7.4 defaults except enableWorker false (needed: with the worker its P2P segments arrive empty), lowLatencyMode false; ' +
      (tuned
        ? 'p2p-media-loader retunes liveSyncDurationCount (playlist segments - 1) and maxBufferLength (max(2 x target duration, 15 s)); '
        : 'liveSyncDurationCount 3 and maxBufferLength 30 set explicitly (the hls.js defaults) so p2p-media-loader keeps them; ') +
      'core defaults (2 HTTP / 3 P2P downloads, 15 s high-demand window, no integrity check), swarmId bench-live, iceServers []',
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
    } : null`,
    logConsoleErrors: true,
  };
}
