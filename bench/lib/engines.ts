/**
 * The engine table: each entry says which page plays the stream and how to read its P2P
 * counters. An engine that needs more than the demo stack (p2p-media-loader: its own page and
 * WebTorrent tracker) has a `prepare` that starts it and returns extra query parameters and the
 * site serving its page.
 */
import type { DemoStack } from '@streamrp2p/demo';
import { P2PML_ENGINES } from './p2pml-engines.js';
import { COUNT_RTC_CONNECTIONS, RTC_CONNECTION_STATES } from './page-snippets.js';

/** Services an engine starts next to the demo stack, and the page parameters that point at them. */
export interface EngineServices {
  query: Record<string, string>;
  /** Site serving the engine's page (ends in `/`); the demo site when absent. */
  pageBaseUrl?: string;
  close(): Promise<void>;
}

/** One engine under test. */
export interface EngineDefinition {
  name: string;
  /** One line for tables and the README. */
  label: string;
  /**
   * Its hls.js settings besides `liveSyncDurationCount` (every page gets `--live-sync` as
   * `?liveSync=`), where they differ from the hls.js defaults.
   */
  hlsSettings: string;
  /** Its P2P settings (`–` for none). */
  p2pSettings: string;
  /**
   * Page that plays `?src=` with this engine and runs `playback-probe.js`: on the demo site, or
   * on the site `prepare` returns.
   */
  page: string;
  /** Query parameters every viewer page gets (besides `src`). */
  query: Record<string, string>;
  /** Starts extra services (another tracker, ...). */
  prepare?: (stack: DemoStack) => Promise<EngineServices>;
  /**
   * A JavaScript expression evaluated in the page giving `{ httpBytes, p2pBytes, uploadedBytes,
   * peers }`, or `null` for an HTTP-only engine (its HTTP bytes are the origin's count).
   * A string, not a function: tsx's transform can add helpers to functions that do not exist
   * in the page.
   */
  trafficExpression: string | null;
  /** A JavaScript expression evaluated in the page giving the hls.js instance, or null. */
  hlsExpression: string;
  /** A script run in every viewer page before the page's own scripts (to hook engine events). */
  initScript: string | null;
  /** An expression read once at the end and stored as is in the results (engine internals). */
  diagnosticsExpression: string | null;
  /** Print the pages' console errors in the bench log as they happen (always kept in the JSON). */
  logConsoleErrors: boolean;
}

export const ENGINES: readonly EngineDefinition[] = Object.freeze<EngineDefinition[]>([
  {
    name: 'streamrp2p',
    label: 'StreamrP2P SDK (sdk.html)',
    hlsSettings:
      'otherwise hls.js 1.7.4 defaults (maxBufferLength 30; worker on for MPEG-TS, off on fMP4 as the player sets it)',
    p2pSettings:
      'SDK defaults: socket.io tracker, integrity checks and receipts against the coordinator (database: see the run parameters), iceServers []',
    page: 'sdk.html',
    // The stats overlay is a per-second DOM update the baseline page does not have.
    query: { overlay: '0' },
    trafficExpression: 'window.__player ? window.__player.getStats() : null',
    hlsExpression: 'window.__player ? window.__player.hls : null',
    // Logs peer connects and closes from the player's creation on (sdk.html only counts them).
    initScript: `(() => {
      const log = [];
      window.__benchPeerLog = log;
      const segmentLog = [];
      window.__benchSegmentLog = segmentLog;
      ${COUNT_RTC_CONNECTIONS}
      let player;
      Object.defineProperty(window, '__player', {
        configurable: true,
        get: () => player,
        set: (value) => {
          player = value;
          const at = () => Math.round(performance.now());
          value.on('peer-connect', (e) => log.push([at(), 'connect', e.peerId.slice(0, 6), e.swarm]));
          value.on('peer-close', (e) => log.push([at(), 'close', e.peerId.slice(0, 6), e.swarm, e.reason]));
          // ms:rendition#sequence:source[:reason][:http+p2p bytes, when both][<uploader]: which
          // segments came over HTTP twice, and why.
          value.on('segment-loaded', (e) => segmentLog.push(
            at() + ':' + e.rendition + '#' + e.sequence + ':' + e.source +
              (e.httpReason ? ':' + e.httpReason : '') +
              (e.httpBytes > 0 && e.p2pBytes > 0 ? ':' + e.httpBytes + '+' + e.p2pBytes : '') +
              (e.peerId ? '<' + e.peerId.slice(0, 6) : ''),
          ));
        },
      });
    })()`,
    diagnosticsExpression: `window.__events ? {
      peerLog: window.__benchPeerLog,
      rtcConnections: ${RTC_CONNECTION_STATES},
      stats: window.__player.getStats(),
      peerConnects: window.__events.peerConnects,
      segmentsBySource: window.__events.segments.reduce((n, s) => (n[s.source] = (n[s.source] || 0) + 1, n), {}),
      httpReasons: window.__events.segments.reduce((n, s, i) => {
        const why = i === 0 ? 'startup' : s.httpReason;
        if (s.httpReason) n[why] = (n[why] || 0) + 1;
        return n;
      }, {}),
      segments: window.__benchSegmentLog,
      sdkErrors: window.__events.errors.map((e) => e.code + ': ' + String(e.message).slice(0, 160)),
      banned: window.__events.banned,
    } : null`,
    logConsoleErrors: false,
  },
  ...P2PML_ENGINES,
  {
    name: 'hlsjs',
    label: 'plain hls.js over HTTP (plain.html)',
    hlsSettings:
      'otherwise hls.js 1.7.4 defaults (worker on, maxBufferLength 30), lowLatencyMode false (no effect: the stream has no parts)',
    p2pSettings: '–',
    page: 'plain.html',
    query: {},
    trafficExpression: null,
    // plain.html keeps its instance in a top-level `const hls`, reachable by name only.
    hlsExpression: "typeof hls !== 'undefined' ? hls : null",
    initScript: null,
    diagnosticsExpression: null,
    logConsoleErrors: false,
  },
  {
    // What plain hls.js starts in with the worker the embed uses (decision 58): the SDK's
    // startup against this one is its P2P machinery's cost alone.
    name: 'hlsjs-workerfile',
    label: "plain hls.js with the embed's worker file (plain.html?worker=file)",
    hlsSettings: "as plain hls.js, but workerPath: the SDK's hls.worker-<version>.js",
    p2pSettings: '–',
    page: 'plain.html',
    query: { worker: 'file' },
    trafficExpression: null,
    hlsExpression: "typeof hls !== 'undefined' ? hls : null",
    initScript: null,
    diagnosticsExpression: null,
    logConsoleErrors: false,
  },
]);

export const ENGINE_NAMES: readonly string[] = ENGINES.map((engine) => engine.name);

export function engineByName(name: string): EngineDefinition {
  const engine = ENGINES.find((candidate) => candidate.name === name);
  if (engine === undefined) throw new Error(`unknown engine ${name}`);
  return engine;
}
