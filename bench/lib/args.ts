/**
 * Command-line flags of the swarm benchmark: parsed with node:util, validated with messages
 * that name the flag and the accepted range.
 */
import { isAbsolute, resolve } from 'node:path';
import { ENGINE_NAMES } from './engines.js';
import { choice, integer, parseFlags, UsageError } from './flags.js';
import { STREAM_KINDS, type StreamKind } from './streams.js';

/** Everything one benchmark run is parameterised by. Written into the results file. */
export interface SwarmParams {
  /** Viewers per swarm. @default 4 */
  peers: number;
  /** Seconds every viewer plays together, counted from the last join. @default 60 */
  seconds: number;
  /** Engines to compare, in order. @default ['streamrp2p', 'p2pml', 'p2pml-live', 'hlsjs'] */
  engines: string[];
  /** The origin's fixture: MPEG-TS or fMP4/CMAF. @default 'ts' */
  stream: StreamKind;
  /**
   * hls.js `liveSyncDurationCount` on every engine's page: how many target durations behind
   * the live edge playback starts, so all engines play at the same latency. @default 3 (hls.js')
   */
  liveSync: number;
  /** Busy-loop child processes running through each trial (a loaded viewer machine). @default 0 */
  cpuLoad: number;
  /**
   * Niceness of the viewers' side: Chromium (every process it starts) and the `--cpu-load`
   * loops. The servers (origin, page server, tracker, coordinator) run in the benchmark's own
   * process at its priority: with a positive value they answer as promptly as servers on other
   * machines would, however busy the viewers keep this one. @default 0 (all equal)
   */
  viewerNice: number;
  /** Origin body rate per connection in kbit/s (0 = unlimited). @default 4000 */
  bandwidthKbps: number;
  /** Origin delay before each media response, in ms. @default 50 */
  latencyMs: number;
  /** Delay between two viewers joining, in ms. @default 1000 */
  joinIntervalMs: number;
  /** How many times the whole comparison runs. @default 1 */
  repeat: number;
  /**
   * The coordinator's database in StreamrP2P trials. `auto`: PostgreSQL when it answers
   * (DATABASE_URL_BENCH or the local test database), else embedded PGlite. PGlite runs its
   * queries inside the benchmark's own process, which also serves the origin, so its work
   * delays media responses: use PostgreSQL for startup figures. @default 'auto'
   */
  database: 'auto' | 'postgres' | 'pglite';
  /** Playlists address segments as byte ranges of one file per rendition. @default false */
  byteRanges: boolean;
  /** The origin ignores `Range` and answers 200 with the whole resource. @default false */
  ignoreRange: boolean;
  /**
   * `shared`: every viewer a browser context of one Chromium, which relays all of their WebRTC
   * and HTTP traffic through its one browser process. `per-viewer`: a Chromium each, as viewers
   * on their own machines have (at the cost of more memory). @default 'shared'
   */
  browsers: BrowserMode;
  /**
   * Records a CPU profile of every viewer page's main thread, from before it opens to the end of
   * the trial, as `profiles/<engine>-run<n>-<viewer>.cpuprofile` in the results folder (open it
   * in Chrome DevTools' Performance panel, or summarise it with `npm run bench:profile`).
   * Sampling costs the pages a little CPU: leave it off for the figures. @default false
   */
  cpuProfile: boolean;
  /** Results folder. @default bench/results of this repository */
  out: string;
}

export const BROWSER_MODES = ['shared', 'per-viewer'] as const;
export type BrowserMode = (typeof BROWSER_MODES)[number];

export const DEFAULT_OUT_DIR = new URL('../results/', import.meta.url).pathname;

export const DEFAULT_SWARM_PARAMS: Readonly<SwarmParams> = Object.freeze({
  peers: 4,
  seconds: 60,
  engines: ['streamrp2p', 'p2pml', 'p2pml-live', 'hlsjs'],
  stream: 'ts',
  liveSync: 3,
  cpuLoad: 0,
  viewerNice: 0,
  bandwidthKbps: 4000,
  latencyMs: 50,
  joinIntervalMs: 1000,
  repeat: 1,
  database: 'auto',
  byteRanges: false,
  ignoreRange: false,
  browsers: 'shared',
  cpuProfile: false,
  out: DEFAULT_OUT_DIR,
});

export const HELP = `Usage: npm run bench:swarm -- [options]

Opens N viewers of the demo live stream in one headless Chromium, per engine, and measures
origin bytes, P2P share, startup and stalls. Results go to <out>/swarm-latest.{json,md}.

Options:
  --peers <n>              viewers per swarm, 1..50 (default ${DEFAULT_SWARM_PARAMS.peers})
  --seconds <s>            playing time after the last viewer joined, 5..3600 (default ${DEFAULT_SWARM_PARAMS.seconds})
  --engines <a,b>          engines to compare: ${ENGINE_NAMES.join(', ')} (default ${DEFAULT_SWARM_PARAMS.engines.join(',')})
  --stream <s>             origin fixture: ${STREAM_KINDS.join(' or ')} (default ${DEFAULT_SWARM_PARAMS.stream})
  --live-sync <n>          hls.js liveSyncDurationCount on every engine's page, 1..10 (default ${DEFAULT_SWARM_PARAMS.liveSync})
  --cpu-load <n>           busy-loop processes running through each trial, 0..8 (default ${DEFAULT_SWARM_PARAMS.cpuLoad})
  --viewer-nice <n>        run Chromium and the --cpu-load loops at niceness n, 0..19, below the
                           servers (default ${DEFAULT_SWARM_PARAMS.viewerNice}: all at one priority)
  --bandwidth-kbps <n>     origin rate per connection in kbit/s, 0 = unlimited (default ${DEFAULT_SWARM_PARAMS.bandwidthKbps})
  --latency-ms <n>         origin delay before each media response (default ${DEFAULT_SWARM_PARAMS.latencyMs})
  --join-interval-ms <n>   delay between two viewers joining (default ${DEFAULT_SWARM_PARAMS.joinIntervalMs})
  --byte-ranges            playlists address segments as #EXT-X-BYTERANGE of one file per rendition
  --ignore-range           the origin ignores Range and answers 200 with the whole resource
  --browsers <b>           shared (one Chromium, a context per viewer) or per-viewer (a Chromium
                           each) (default ${DEFAULT_SWARM_PARAMS.browsers})
  --repeat <n>             run the whole comparison n times, report median and spread (default ${DEFAULT_SWARM_PARAMS.repeat})
  --database <d>           coordinator database for streamrp2p: auto, postgres or pglite (default auto:
                           PostgreSQL at DATABASE_URL_BENCH or the local test database when it answers)
  --cpu-profile            record each page's main-thread CPU profile into <out>/profiles
                           (summarise with npm run bench:profile; costs the pages some CPU)
  --out <dir>              results folder (default bench/results)
  -h, --help               show this help
`;

export { UsageError };

function engineList(raw: string | undefined): string[] {
  if (raw === undefined) return [...DEFAULT_SWARM_PARAMS.engines];
  const names = raw
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) throw new UsageError('--engines needs at least one engine name');
  for (const name of names) {
    if (!ENGINE_NAMES.includes(name)) {
      throw new UsageError(
        `--engines: unknown engine "${name}" (known: ${ENGINE_NAMES.join(', ')})`,
      );
    }
  }
  if (new Set(names).size !== names.length) throw new UsageError('--engines lists an engine twice');
  return names;
}

/** Parses argv (without node and script); returns `'help'` when help was asked for. */
export function parseSwarmArgs(argv: string[]): SwarmParams | 'help' {
  const values = parseFlags(argv, {
    peers: { type: 'string' },
    seconds: { type: 'string' },
    engines: { type: 'string' },
    stream: { type: 'string' },
    'live-sync': { type: 'string' },
    'cpu-load': { type: 'string' },
    'viewer-nice': { type: 'string' },
    'bandwidth-kbps': { type: 'string' },
    'latency-ms': { type: 'string' },
    'join-interval-ms': { type: 'string' },
    repeat: { type: 'string' },
    'byte-ranges': { type: 'boolean' },
    'ignore-range': { type: 'boolean' },
    database: { type: 'string' },
    browsers: { type: 'string' },
    'cpu-profile': { type: 'boolean' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';
  const d = DEFAULT_SWARM_PARAMS;
  const out = values.out ?? d.out;
  if (out.trim() === '') throw new UsageError('--out must be a folder path');
  return {
    peers: integer('peers', values.peers, d.peers, 1, 50),
    seconds: integer('seconds', values.seconds, d.seconds, 5, 3600),
    engines: engineList(values.engines),
    stream: choice('stream', values.stream, d.stream, STREAM_KINDS),
    liveSync: integer('live-sync', values['live-sync'], d.liveSync, 1, 10),
    cpuLoad: integer('cpu-load', values['cpu-load'], d.cpuLoad, 0, 8),
    viewerNice: integer('viewer-nice', values['viewer-nice'], d.viewerNice, 0, 19),
    bandwidthKbps: integer(
      'bandwidth-kbps',
      values['bandwidth-kbps'],
      d.bandwidthKbps,
      0,
      10_000_000,
    ),
    latencyMs: integer('latency-ms', values['latency-ms'], d.latencyMs, 0, 60_000),
    joinIntervalMs: integer(
      'join-interval-ms',
      values['join-interval-ms'],
      d.joinIntervalMs,
      0,
      600_000,
    ),
    repeat: integer('repeat', values.repeat, d.repeat, 1, 100),
    database: choice('database', values.database, d.database, ['auto', 'postgres', 'pglite']),
    browsers: choice('browsers', values.browsers, d.browsers, BROWSER_MODES),
    byteRanges: values['byte-ranges'] ?? d.byteRanges,
    ignoreRange: values['ignore-range'] ?? d.ignoreRange,
    cpuProfile: values['cpu-profile'] ?? d.cpuProfile,
    // npm runs scripts from the repository root; a relative --out means relative to where the user typed it.
    out: isAbsolute(out) ? out : resolve(process.env.INIT_CWD ?? process.cwd(), out),
  };
}

/** The hard time limit of a whole run: per trial, play time plus joins plus a minute of slack. */
export function overallTimeoutMs(params: SwarmParams): number {
  const trialMs = params.seconds * 1000 + params.peers * params.joinIntervalMs + 60_000;
  return params.engines.length * params.repeat * trialMs;
}
