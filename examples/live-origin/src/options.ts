/**
 * Options of the live origin: types, the frozen defaults and the one function that merges and
 * validates them. The CDN emulation fields are the runtime-changeable subset (`configure()`,
 * `POST /control`); everything else is fixed when the origin starts.
 */
import { TS_FIXTURE_DIR } from './bundled-fixtures.js';
import { LiveOriginError } from './live-origin-error.js';

/** How an injected segment failure behaves. */
export type FailureKind = '503' | 'stall' | 'truncate';

/** Every {@link FailureKind}, for validation and help texts. */
export const FAILURE_KINDS: readonly FailureKind[] = Object.freeze(['503', 'stall', 'truncate']);

/** CDN emulation: the options that can change while the origin runs. */
export interface EmulationSettings {
  /**
   * Body rate limit per connection in kilobits per second (1 kb = 1000 bits); 0 = unlimited.
   * Applies to playlists and segments alike, like a slow last mile would.
   * @default 0
   */
  bandwidthKbps: number;
  /**
   * Delay before a media response (playlist or segment) starts, in milliseconds.
   * @default 0
   */
  latencyMs: number;
  /**
   * Probability (0..1) that a segment request fails with `failureKind`.
   * @default 0
   */
  failureRate: number;
  /**
   * What a random failure does: `'503'` answers 503; `'stall'` sends headers and part of the
   * body, then nothing until the client gives up; `'truncate'` advertises the full
   * Content-Length, sends about half and closes the connection.
   * @default '503'
   */
  failureKind: FailureKind;
  /**
   * Ignore `Range` headers, like some CDNs and misconfigured origins do: every request, ranged
   * or not, gets 200 with the whole body (RFC 9110 allows it), and no `Accept-Ranges`.
   * @default false
   */
  ignoreRange: boolean;
}

/** Everything {@link startLiveOrigin} and {@link createOriginHandler} accept. */
export interface LiveOriginConfig extends EmulationSettings {
  /**
   * TCP port; 0 picks a free one (read it back from `origin.port`).
   * @default 0
   */
  port: number;
  /**
   * Interface to listen on.
   * @default '127.0.0.1'
   */
  host: string;
  /**
   * Folder holding `master.m3u8` and the media playlists it names. The bundled ones are
   * `TS_FIXTURE_DIR` and `FMP4_FIXTURE_DIR` (or `fixtureDirFor('ts' | 'fmp4')`).
   * @default TS_FIXTURE_DIR, the MPEG-TS fixture committed with this package
   */
  fixtureDir: string;
  /**
   * Address media segments as byte ranges (`#EXT-X-BYTERANGE:<length>@<offset>`) of one file
   * per rendition, the concatenation of its fixture segments (`stream.ts` or `stream.m4s`),
   * in live and VOD media playlists.
   * @default false
   */
  byteRanges: boolean;
  /**
   * Segments listed in each live media playlist.
   * @default 6
   */
  windowSegments: number;
  /**
   * Live segments older than this many windows behind the playlist answer 404, like a CDN
   * that has evicted them.
   * @default 3
   */
  retentionWindows: number;
  /**
   * Clock in milliseconds since the epoch. Drives the live timeline only (not throttling or
   * latency), so tests can move the live edge without sleeping.
   * @default Date.now
   */
  now: () => number;
}

/** What callers pass: any subset; `undefined` fields keep the default. */
export type LiveOriginOptions = Partial<LiveOriginConfig>;

/** The default fixture folder: {@link TS_FIXTURE_DIR}. */
export const DEFAULT_FIXTURE_DIR = TS_FIXTURE_DIR;

/** Defaults for every option. */
export const DEFAULT_LIVE_ORIGIN_CONFIG: Readonly<LiveOriginConfig> = Object.freeze({
  port: 0,
  host: '127.0.0.1',
  fixtureDir: DEFAULT_FIXTURE_DIR,
  byteRanges: false,
  windowSegments: 6,
  retentionWindows: 3,
  now: Date.now,
  bandwidthKbps: 0,
  latencyMs: 0,
  failureRate: 0,
  failureKind: '503',
  ignoreRange: false,
});

const EMULATION_KEYS: readonly (keyof EmulationSettings)[] = [
  'bandwidthKbps',
  'latencyMs',
  'failureRate',
  'failureKind',
  'ignoreRange',
];

type Check = (value: unknown) => string | undefined;

const isBoolean: Check = (v) => (typeof v === 'boolean' ? undefined : 'true or false');
const nonNegative: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? undefined : 'a finite number >= 0';
const integerIn =
  (min: number, max: number): Check =>
  (v) =>
    Number.isInteger(v) && (v as number) >= min && (v as number) <= max
      ? undefined
      : `an integer from ${min} to ${max}`;

const CHECKS: { readonly [K in keyof LiveOriginConfig]: Check } = {
  port: integerIn(0, 65535),
  host: (v) => (typeof v === 'string' && v.length > 0 ? undefined : 'a non-empty string'),
  fixtureDir: (v) => (typeof v === 'string' && v.length > 0 ? undefined : 'a non-empty path'),
  byteRanges: isBoolean,
  windowSegments: integerIn(1, 1000),
  retentionWindows: integerIn(0, 1000),
  now: (v) => (typeof v === 'function' ? undefined : 'a function returning milliseconds'),
  bandwidthKbps: nonNegative,
  latencyMs: nonNegative,
  failureRate: (v) =>
    typeof v === 'number' && v >= 0 && v <= 1 ? undefined : 'a number from 0 to 1',
  failureKind: (v) =>
    FAILURE_KINDS.includes(v as FailureKind) ? undefined : `one of ${FAILURE_KINDS.join(', ')}`,
  ignoreRange: isBoolean,
};

/**
 * Merges `patch` over `base`: `undefined` fields are dropped, unknown fields and bad values are
 * rejected with a {@link LiveOriginError} (`INVALID_OPTION`) naming the field. With
 * `emulationOnly`, only the runtime-changeable {@link EmulationSettings} fields are accepted.
 *
 * @example
 * const config = mergeLiveOriginConfig(DEFAULT_LIVE_ORIGIN_CONFIG, { windowSegments: 4 });
 */
export function mergeLiveOriginConfig<T extends LiveOriginConfig | EmulationSettings>(
  base: T,
  patch: Partial<LiveOriginConfig> | Record<string, unknown>,
  { emulationOnly = false }: { emulationOnly?: boolean } = {},
): T {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new LiveOriginError('INVALID_OPTION', 'options must be an object');
  }
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(CHECKS, key)) {
      throw new LiveOriginError('INVALID_OPTION', `unknown option "${key}"`);
    }
    if (emulationOnly && !EMULATION_KEYS.includes(key as keyof EmulationSettings)) {
      throw new LiveOriginError(
        'INVALID_OPTION',
        `option "${key}" cannot change at runtime; only ${EMULATION_KEYS.join(', ')} can`,
      );
    }
    const problem = CHECKS[key as keyof LiveOriginConfig](value);
    if (problem !== undefined) {
      throw new LiveOriginError(
        'INVALID_OPTION',
        `option "${key}" must be ${problem}, got ${JSON.stringify(value) ?? String(value)}`,
      );
    }
    merged[key] = value;
  }
  return merged as T;
}

/** The emulation subset of a full config, as a fresh object. */
export function pickEmulation(config: EmulationSettings): EmulationSettings {
  const { bandwidthKbps, latencyMs, failureRate, failureKind, ignoreRange } = config;
  return { bandwidthKbps, latencyMs, failureRate, failureKind, ignoreRange };
}
