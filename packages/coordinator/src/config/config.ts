/**
 * The coordinator's configuration: every field typed, with its default, merged by one function
 * that drops `undefined` and rejects bad values with a clear message.
 */
import type { Database } from '../db/connect.js';
import type { Clock } from '../util/clock.js';

/** Characters a tracker secret needs at least (the tracker refuses shorter ones too). */
export const MIN_TRACKER_SECRET_LENGTH = 16;

export interface CoordinatorConfig {
  /** TCP port; 0 picks a free one. @default 0 (the command uses 8091) */
  port: number;
  /** Interface to listen on. @default '127.0.0.1' */
  host: string;
  /** PostgreSQL URL; when unset, embedded PGlite in `dataDir`. @default undefined */
  databaseUrl: string | undefined;
  /** PGlite data folder, or `memory://`. @default '.data/coordinator' */
  dataDir: string;
  /**
   * Most PostgreSQL connections this process opens (PGlite has one). A receipt batch holds one
   * connection at a time, for one statement. @default 10
   */
  databasePoolSize: number;
  /** An already open database to use (tests share one); not destroyed by `close()`. @default undefined */
  database: Database | undefined;
  /** HMAC secret shared with the tracker; random per process when unset. @default undefined */
  trackerSecret: string | undefined;
  /** Lifetime of tracker tokens. @default 600 */
  trackerTokenTtlSeconds: number;
  /** A session is live while seen (any authenticated call) within this. @default 180 */
  sessionTtlSeconds: number;
  /** Media playlist poll interval; undefined = a quarter of the target duration (at least 250 ms). @default undefined */
  indexerPollMs: number | undefined;
  /** Segment fetches in flight at once, over all streams. @default 4 */
  indexerConcurrency: number;
  /** Timeout of one origin request. @default 10000 */
  indexerFetchTimeoutMs: number;
  /** Attempts per origin request before giving up until the next poll. @default 4 */
  indexerAttempts: number;
  /** First retry delay; doubles per attempt. @default 250 */
  indexerRetryBaseMs: number;
  /** Run the segment indexer at all (tests of other features may switch it off). @default true */
  indexerEnabled: boolean;
  /** Accept receipts whose uploader and receiver share an IP. @default false */
  receiptsSameIpAllowed: boolean;
  /** Receipts older than this are implausible. @default 3600 */
  receiptMaxAgeSeconds: number;
  /** Receipts more than this in the future are implausible. @default 60 */
  receiptMaxSkewSeconds: number;
  /**
   * Time between credit roll-ups, which move the credits written with each receipt batch into
   * the per-uploader counters (reads add what is pending, so this is not a staleness bound).
   * 0 = only at start and on `coordinator.flushCredits()`. @default 250
   */
  creditRollupIntervalMs: number;
  /** Lifetime of a challenge. @default 300 */
  challengeTtlSeconds: number;
  /** Challenges are drawn from receipts credited within this. @default 60 */
  challengeWindowSeconds: number;
  /** Pending challenges per session; a poll issues one more only below this. @default 1 */
  maxPendingChallenges: number;
  /** A viewer whose sessions were credited within this is a supporter. @default 600 */
  supporterWindowSeconds: number;
  /** The SDK script the embed snippet loads. */
  publicSdkUrl: string;
  /** The tracker URL the embed snippet points at. @default 'http://127.0.0.1:8090' */
  trackerPublicUrl: string;
  /** This coordinator's URL as browsers reach it; the listening URL when unset. @default undefined */
  publicUrl: string | undefined;
  /** express `trust proxy` (true, a hop count, or a subnet list) for `req.ip`. @default false */
  trustProxy: boolean | number | string;
  /** Largest accepted JSON body. @default 1048576 */
  bodyLimitBytes: number;
  /** Clock for every stored time; tests inject one. @default Date.now */
  clock: Clock;
}

export type CoordinatorOptions = Partial<CoordinatorConfig>;

export const DEFAULT_COORDINATOR_CONFIG: Readonly<CoordinatorConfig> = Object.freeze({
  port: 0,
  host: '127.0.0.1',
  databaseUrl: undefined,
  dataDir: '.data/coordinator',
  databasePoolSize: 10,
  database: undefined,
  trackerSecret: undefined,
  trackerTokenTtlSeconds: 600,
  sessionTtlSeconds: 180,
  indexerPollMs: undefined,
  indexerConcurrency: 4,
  indexerFetchTimeoutMs: 10_000,
  indexerAttempts: 4,
  indexerRetryBaseMs: 250,
  indexerEnabled: true,
  receiptsSameIpAllowed: false,
  receiptMaxAgeSeconds: 3600,
  receiptMaxSkewSeconds: 60,
  creditRollupIntervalMs: 250,
  challengeTtlSeconds: 300,
  challengeWindowSeconds: 60,
  maxPendingChallenges: 1,
  supporterWindowSeconds: 600,
  publicSdkUrl: 'https://cdn.jsdelivr.net/npm/@streamrp2p/player-sdk/dist/streamrp2p.iife.js',
  trackerPublicUrl: 'http://127.0.0.1:8090',
  publicUrl: undefined,
  trustProxy: false,
  bodyLimitBytes: 1_048_576,
  clock: Date.now,
});

type Check = (value: unknown) => string | undefined;
const int =
  (min: number, max = Number.MAX_SAFE_INTEGER): Check =>
  (v) =>
    Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max
      ? undefined
      : `an integer in ${min}..${max}`;
const positive: Check = (v) =>
  typeof v === 'number' && v > 0 && Number.isFinite(v) ? undefined : 'a positive number';
const string: Check = (v) => (typeof v === 'string' && v !== '' ? undefined : 'a non-empty string');
const httpUrl: Check = (v) => {
  try {
    return /^https?:$/.test(new URL(String(v)).protocol) ? undefined : 'an http(s) URL';
  } catch {
    return 'an http(s) URL';
  }
};
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined ? undefined : check(v);
const bool: Check = (v) => (typeof v === 'boolean' ? undefined : 'true or false');

const CHECKS: Record<keyof CoordinatorConfig, Check> = {
  port: int(0, 65535),
  host: string,
  databaseUrl: optional((v) =>
    typeof v === 'string' && /^postgres(ql)?:\/\//.test(v) ? undefined : 'a postgres:// URL',
  ),
  dataDir: string,
  databasePoolSize: int(1, 1000),
  database: optional((v) =>
    typeof v === 'object' && v !== null && 'db' in v ? undefined : 'an open Database',
  ),
  trackerSecret: optional((v) =>
    typeof v === 'string' && v.length >= MIN_TRACKER_SECRET_LENGTH
      ? undefined
      : `a string of at least ${MIN_TRACKER_SECRET_LENGTH} characters`,
  ),
  trackerTokenTtlSeconds: int(1),
  sessionTtlSeconds: int(1),
  indexerPollMs: optional(int(10)),
  indexerConcurrency: int(1, 64),
  indexerFetchTimeoutMs: int(10),
  indexerAttempts: int(1, 20),
  indexerRetryBaseMs: int(0),
  indexerEnabled: bool,
  receiptsSameIpAllowed: bool,
  receiptMaxAgeSeconds: int(1),
  receiptMaxSkewSeconds: int(0),
  creditRollupIntervalMs: int(0, 3_600_000),
  challengeTtlSeconds: positive,
  challengeWindowSeconds: int(1),
  maxPendingChallenges: int(1, 100),
  supporterWindowSeconds: int(1),
  publicSdkUrl: string,
  trackerPublicUrl: httpUrl,
  publicUrl: optional(httpUrl),
  trustProxy: (v) =>
    ['boolean', 'number', 'string'].includes(typeof v)
      ? undefined
      : 'a boolean, hop count or subnet list',
  bodyLimitBytes: int(1024),
  clock: (v) => (typeof v === 'function' ? undefined : 'a function returning milliseconds'),
};

/**
 * Merges `options` over the defaults. Throws a `TypeError` naming every bad or unknown field.
 *
 * @example
 * const config = resolveCoordinatorConfig({ port: 8091, dataDir: 'memory://' });
 */
export function resolveCoordinatorConfig(options: CoordinatorOptions = {}): CoordinatorConfig {
  const merged: Record<string, unknown> = { ...DEFAULT_COORDINATOR_CONFIG };
  const problems: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    if (!(key in CHECKS)) problems.push(`unknown option "${key}"`);
    else if (value !== undefined) merged[key] = value;
  }
  for (const [key, check] of Object.entries(CHECKS)) {
    const problem = check(merged[key]);
    if (problem !== undefined)
      problems.push(`${key} must be ${problem}, got ${JSON.stringify(merged[key])}`);
  }
  if (problems.length > 0)
    throw new TypeError(`invalid coordinator config: ${problems.join('; ')}`);
  return merged as unknown as CoordinatorConfig;
}
