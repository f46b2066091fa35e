/**
 * The coordinator's configuration: every field typed, with its default, merged by one function
 * that drops `undefined` and rejects bad values with a clear message.
 */
import type { Database } from '../db/connect.js';
import type { Clock } from '../util/clock.js';
import { trustProxyProblem, type TrustProxy } from '../http/trust-proxy.js';
import type { Logger } from 'pino';
import { isAllowListEntry } from '../streams/origin-policy.js';
import { cdnSdkUrl } from './sdk-url.js';
import { COORDINATOR_VERSION } from './version.js';

/** Characters a tracker secret needs at least (the tracker refuses shorter ones too). */
export const MIN_TRACKER_SECRET_LENGTH = 16;

/** pino's levels, quietest last. */
export const LOG_LEVELS = Object.freeze([
  'trace',
  'debug',
  'info',
  'warn',
  'error',
  'fatal',
  'silent',
] as const);
export type LogLevel = (typeof LOG_LEVELS)[number];

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
   * Credit a receipt only when its batch carries a valid meeting ticket (the tracker's evidence,
   * HMAC with `trackerSecret`, that receiver and uploader signalled through it). @default true
   */
  requireMeetingTickets: boolean;
  /**
   * Oldest meeting ticket a receipt may lean on; the SDK renews its tickets well before.
   * @default 1800
   */
  meetingTicketMaxAgeSeconds: number;
  /**
   * Rewind allowance: a receiving session may confirm segments indexed at most this long before
   * it began (a live player starts a few segments behind the edge; a DVR or VOD stream wants
   * more). Also widens the window of its receiver bound. @default 60
   */
  receiptRewindSeconds: number;
  /**
   * A receiving session is credited at most this times the bytes the stream's largest rendition
   * published since it began (minus the rewind allowance): ABR switches load a little of two
   * renditions. @default 1.5
   */
  receiverBoundSlack: number;
  /**
   * Plausible upload rate of one session, kbit/s (1 kbit = 1000 bits): an uploader is credited at
   * most this x (its lifetime + `uploaderBurstSeconds`). About 10 peers (the SDK's `maxPeers`)
   * at 5 Mbit/s, above the global average fixed upload. @default 50000
   */
  uploaderMaxKbps: number;
  /** Seconds of `uploaderMaxKbps` an uploader may be credited on top of its lifetime. @default 10 */
  uploaderBurstSeconds: number;
  /**
   * Uploader sessions of one address (IPv4 /32, IPv6 /64) credited in one stream: the first
   * this many live sessions of the address to upload there. @default 3
   */
  uploadersPerAddress: number;
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
  /**
   * Sessions one address (IPv4 /32, IPv6 /64) may create per minute: a reload every 2 s in a
   * household. @default 30
   */
  sessionsPerMinutePerAddress: number;
  /** Sessions one network (IPv4 /24, IPv6 /64) may create per minute. @default 300 */
  sessionsPerMinutePerNetwork: number;
  /**
   * Live sessions per address: a household's devices and tabs, counting that a reload leaves
   * the old session live until `sessionTtlSeconds` passes. @default 10
   */
  liveSessionsPerAddress: number;
  /** Live sessions per network (an office or campus NAT shares a /24). @default 200 */
  liveSessionsPerNetwork: number;
  /** Streamer accounts one address may create per hour. @default 5 */
  streamersPerHourPerAddress: number;
  /** Streamer accounts one network may create per hour. @default 20 */
  streamersPerHourPerNetwork: number;
  /** Failed sign-ins per email address in 15 minutes before it answers 429. @default 10 */
  signInFailuresPerEmail: number;
  /** Failed sign-ins per client address in 15 minutes before it answers 429. @default 30 */
  signInFailuresPerAddress: number;
  /** A studio sign-in lasts this long after its last use (cookie Max-Age). @default 2592000 (30 days) */
  webSessionMaxAgeSeconds: number;
  /**
   * Stream URL hosts the coordinator may fetch although they are not public: host names
   * (exact, case-insensitive) and IP addresses or CIDR ranges (`127.0.0.0/8`, `::1`). Without
   * them a URL whose host is or resolves to loopback, private, link-local, unique-local, CGNAT,
   * multicast, unspecified or reserved space is refused. @default []
   */
  originAllowList: readonly string[];
  /** Redirects an origin request follows, each hop checked again. @default 5 */
  originMaxRedirects: number;
  /** Largest playlist the indexer reads. @default 4194304 (4 MiB) */
  originMaxPlaylistBytes: number;
  /** Largest segment (or byte range) the indexer reads. @default 67108864 (64 MiB) */
  originMaxSegmentBytes: number;
  /** A viewer whose sessions were credited within this is a supporter. @default 600 */
  supporterWindowSeconds: number;
  /**
   * Chat, follow and share pay only in a stream with at least this many live sessions of other
   * viewers on distinct networks (not the earner's, not the owner's); 0 = no audience rule.
   * @default 3
   */
  pointsMinAudience: number;
  /** Paid `chat_message` awards per viewer in 24 h. @default 100 */
  pointsChatDailyCap: number;
  /** Paid `follow_streamer` awards per viewer in 24 h. @default 20 */
  pointsFollowDailyCap: number;
  /** Paid `share_stream` awards per viewer in 24 h. @default 10 */
  pointsShareDailyCap: number;
  /**
   * Per address (IPv4 /32, IPv6 /64), each daily cap of chat, follow and share is this many
   * times the per-viewer cap (a household of viewers); 0 = no per-address cap. @default 5
   */
  pointsAddressCapFactor: number;
  /**
   * Chat, follow and share pay only once the viewer has this much watch time accepted in the
   * stream (its sessions there together); 0 = no such rule. @default 60
   */
  pointsMinWatchSeconds: number;
  /**
   * Redis for the chat (`redis://` or `rediss://`): with it, every coordinator process on the same
   * Redis shares the chat rooms (socket.io's Redis adapter); without it, a room is one process's.
   * @default undefined
   */
  redisUrl: string | undefined;
  /** Chat messages are kept this long, then pruned. @default 72 */
  chatHistoryHours: number;
  /** Messages a viewer gets on joining a chat room. @default 50 */
  chatHistoryMessages: number;
  /** Chat messages one viewer may send per minute (all streams). @default 20 */
  chatPerMinutePerViewer: number;
  /** Chat messages one address (IPv4 /32, IPv6 /64) may send per minute. @default 60 */
  chatPerMinutePerAddress: number;
  /**
   * The SDK script the embed snippet loads.
   * @default jsDelivr's `@streamrp2p/player-sdk@<this version>/dist/browser/streamrp2p.iife.js`
   */
  publicSdkUrl: string;
  /** The tracker URL the embed snippet points at. @default 'http://127.0.0.1:8090' */
  trackerPublicUrl: string;
  /** This coordinator's URL as browsers reach it; the listening URL when unset. @default undefined */
  publicUrl: string | undefined;
  /**
   * Reverse proxies in front of the coordinator, for `req.ip` (express `trust proxy`): `false`
   * (none: the socket address), a hop count, or a comma-separated list of proxy addresses,
   * subnets or `loopback`/`linklocal`/`uniquelocal`. `true` (trust every hop, i.e. the
   * left-most `X-Forwarded-For` entry, which a client writes) is refused. @default false
   */
  trustProxy: TrustProxy;
  /** Largest accepted JSON body. @default 1048576 */
  bodyLimitBytes: number;
  /** A request's headers must arrive within this (Node's `headersTimeout`). @default 10000 */
  headersTimeoutMs: number;
  /**
   * A whole request, headers and body, must arrive within this, else 408 and the connection is
   * closed (Node's `requestTimeout`, 300 s by default). @default 30000
   */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this (Node's `keepAliveTimeout`). @default 5000 */
  keepAliveTimeoutMs: number;
  /** The `Retry-After` of a 503 while the database is unreachable. @default 5 */
  unavailableRetryAfterSeconds: number;
  /**
   * Getting a PostgreSQL connection (opening one, or waiting for a free one of the pool) fails
   * after this, and the request answers 503. @default 5000
   */
  databaseConnectTimeoutMs: number;
  /** Level of the structured (pino) log on stdout: internal errors, outages. @default 'info' */
  logLevel: LogLevel;
  /** A pino logger to use instead of one on stdout at `logLevel` (tests capture it). @default undefined */
  logger: Logger | undefined;
  /**
   * Reputation (0..1, `trust/reputation.ts`) from which a viewer's credit is payable; below it,
   * credit is recorded but not payable. At 0.425 or less a viewer could reach it in its first
   * hour. @default 0.7
   */
  payableReputation: number;
  /** Bearer key of the review endpoints (`/api/admin/*`); unset = they answer 403. @default undefined */
  adminApiKey: string | undefined;
  /** Time between collusion-detection runs; 0 = only on `coordinator.detectCollusion()`. @default 60000 */
  collusionIntervalMs: number;
  /** A collusion run looks at the receipts credited within this. @default 3600 */
  collusionWindowSeconds: number;
  /**
   * A receiver younger than this is not judged on playback (the SDK's first watch heartbeat
   * comes after 60 s). @default 180
   */
  playbackGraceSeconds: number;
  /**
   * Economics (issue 11, `economics/`). Amounts are integers in micro-units (millionths) of
   * `currency`; shares are basis points (1/10,000). ISO 4217 code, lower case. @default 'usd'
   */
  currency: string;
  /** Platform fee, of revenue. @default 1500 (15%) */
  platformFeeBps: number;
  /** Supporter pool, of revenue minus the platform fee (plus the P2P rebate). @default 2000 */
  supporterPoolBps: number;
  /** P2P rebate, of the CDN cost saved. @default 5000 (half) */
  p2pRebateBps: number;
  /** What the CDN would charge per GB (10^9 bytes) delivered, micro-units. @default 50000 ($0.05) */
  cdnCostMicrosPerGb: number;
  /** Supporter earnings per 1,000 payable verified chunks (16 KiB leaves). @default 500 */
  earningsMicrosPerKiloChunk: number;
  /** Earnings bonus at a full uptime part: earnings x (1 + this x uptime). @default 0.2 */
  uptimeBonusMax: number;
  /** QoS multiplier at the worst latency and success parts (1 at the best). @default 0.5 */
  qosMinMultiplier: number;
  /** Monthly earnings cap of a new account (scaled by reputation). @default 10000000 ($10) */
  monthlyCapNewMicros: number;
  /** Monthly earnings cap of an account `capFullAgeDays` old (scaled by reputation). @default 100000000 */
  monthlyCapMatureMicros: number;
  /** Account age at which the cap reaches `monthlyCapMatureMicros`. @default 90 */
  capFullAgeDays: number;
  /** Payout provider: 'file' writes payout files into `payoutDir`, 'stripe' uses Stripe Connect. @default 'file' */
  payoutProvider: 'file' | 'stripe';
  /** Folder of the file payout provider. @default '.data/payouts' */
  payoutDir: string;
  /** Stripe secret key (the 'stripe' provider). @default undefined */
  stripeSecretKey: string | undefined;
  /** Stripe API base URL, for a local test server. @default undefined (api.stripe.com) */
  stripeApiUrl: string | undefined;
  /** Smallest payout; smaller balances wait for the next. @default 1000000 ($1) */
  minPayoutMicros: number;
  /** Minute buckets older than this roll up into hour buckets. @default 31 */
  metricsMinuteRetentionDays: number;
  /** Time between metric roll-ups; 0 = only on demand. @default 600000 */
  metricsRollupIntervalMs: number;
  /**
   * Time between runs of the community job (social proof from rolled-up credit, goal progress);
   * 0 = only on demand. @default 10000
   */
  communityIntervalMs: number;
  /**
   * The salt of every viewer pseudonym (chat, leaderboards, analytics; decision 46). Rotating it
   * renames every viewer (coordinator README, Privacy). @default undefined (one stored in the
   * database at the first start)
   */
  pseudonymSalt: string | undefined;
  /**
   * Settled receipts credited longer ago than this are deleted by the retention job (their
   * totals live on in the roll-ups and period lines; unsettled ones are kept). @default 90
   */
  receiptRetentionDays: number;
  /**
   * Client addresses and address and network keys older than this are blanked by the retention
   * job (the limits and the collusion job read at most a day back). @default 30
   */
  addressRetentionDays: number;
  /** Time between runs of the retention job; 0 = only on demand. @default 3600000 */
  retentionIntervalMs: number;
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
  requireMeetingTickets: true,
  meetingTicketMaxAgeSeconds: 1800,
  receiptRewindSeconds: 60,
  receiverBoundSlack: 1.5,
  uploaderMaxKbps: 50_000,
  uploaderBurstSeconds: 10,
  uploadersPerAddress: 3,
  creditRollupIntervalMs: 250,
  challengeTtlSeconds: 300,
  challengeWindowSeconds: 60,
  maxPendingChallenges: 1,
  sessionsPerMinutePerAddress: 30,
  sessionsPerMinutePerNetwork: 300,
  liveSessionsPerAddress: 10,
  liveSessionsPerNetwork: 200,
  streamersPerHourPerAddress: 5,
  streamersPerHourPerNetwork: 20,
  signInFailuresPerEmail: 10,
  signInFailuresPerAddress: 30,
  webSessionMaxAgeSeconds: 2_592_000,
  originAllowList: Object.freeze([]),
  originMaxRedirects: 5,
  originMaxPlaylistBytes: 4_194_304,
  originMaxSegmentBytes: 67_108_864,
  supporterWindowSeconds: 600,
  pointsMinAudience: 3,
  pointsChatDailyCap: 100,
  pointsFollowDailyCap: 20,
  pointsShareDailyCap: 10,
  pointsAddressCapFactor: 5,
  pointsMinWatchSeconds: 60,
  redisUrl: undefined,
  chatHistoryHours: 72,
  chatHistoryMessages: 50,
  chatPerMinutePerViewer: 20,
  chatPerMinutePerAddress: 60,
  publicSdkUrl: cdnSdkUrl(COORDINATOR_VERSION),
  trackerPublicUrl: 'http://127.0.0.1:8090',
  publicUrl: undefined,
  trustProxy: false,
  bodyLimitBytes: 1_048_576,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  unavailableRetryAfterSeconds: 5,
  databaseConnectTimeoutMs: 5_000,
  logLevel: 'info',
  logger: undefined,
  payableReputation: 0.7,
  adminApiKey: undefined,
  collusionIntervalMs: 60_000,
  collusionWindowSeconds: 3600,
  playbackGraceSeconds: 180,
  currency: 'usd',
  platformFeeBps: 1500,
  supporterPoolBps: 2000,
  p2pRebateBps: 5000,
  cdnCostMicrosPerGb: 50_000,
  earningsMicrosPerKiloChunk: 500,
  uptimeBonusMax: 0.2,
  qosMinMultiplier: 0.5,
  monthlyCapNewMicros: 10_000_000,
  monthlyCapMatureMicros: 100_000_000,
  capFullAgeDays: 90,
  payoutProvider: 'file',
  payoutDir: '.data/payouts',
  stripeSecretKey: undefined,
  stripeApiUrl: undefined,
  minPayoutMicros: 1_000_000,
  metricsMinuteRetentionDays: 31,
  metricsRollupIntervalMs: 600_000,
  communityIntervalMs: 10_000,
  pseudonymSalt: undefined,
  receiptRetentionDays: 90,
  addressRetentionDays: 30,
  retentionIntervalMs: 3_600_000,
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
  requireMeetingTickets: bool,
  meetingTicketMaxAgeSeconds: int(1),
  receiptRewindSeconds: int(0),
  receiverBoundSlack: (v) =>
    typeof v === 'number' && v >= 1 && Number.isFinite(v) ? undefined : 'a number >= 1',
  uploaderMaxKbps: int(1),
  uploaderBurstSeconds: int(0),
  uploadersPerAddress: int(1, 1_000_000),
  creditRollupIntervalMs: int(0, 3_600_000),
  challengeTtlSeconds: positive,
  challengeWindowSeconds: int(1),
  maxPendingChallenges: int(1, 100),
  sessionsPerMinutePerAddress: int(1),
  sessionsPerMinutePerNetwork: int(1),
  liveSessionsPerAddress: int(1),
  liveSessionsPerNetwork: int(1),
  streamersPerHourPerAddress: int(1),
  streamersPerHourPerNetwork: int(1),
  signInFailuresPerEmail: int(1),
  signInFailuresPerAddress: int(1),
  webSessionMaxAgeSeconds: int(60),
  originAllowList: (v) =>
    Array.isArray(v) && v.every((e) => typeof e === 'string' && isAllowListEntry(e))
      ? undefined
      : 'a list of host names, IP addresses and CIDR ranges',
  originMaxRedirects: int(0, 20),
  originMaxPlaylistBytes: int(1024),
  originMaxSegmentBytes: int(1024),
  supporterWindowSeconds: int(1),
  pointsMinAudience: int(0, 1000),
  pointsChatDailyCap: int(0),
  pointsFollowDailyCap: int(0),
  pointsShareDailyCap: int(0),
  pointsAddressCapFactor: int(0, 10_000),
  pointsMinWatchSeconds: int(0, 86_400),
  redisUrl: optional((v) =>
    typeof v === 'string' && /^rediss?:\/\//.test(v) ? undefined : 'a redis:// or rediss:// URL',
  ),
  chatHistoryHours: int(1, 24 * 365),
  chatHistoryMessages: int(0, 500),
  chatPerMinutePerViewer: int(1),
  chatPerMinutePerAddress: int(1),
  publicSdkUrl: string,
  trackerPublicUrl: httpUrl,
  publicUrl: optional(httpUrl),
  trustProxy: trustProxyProblem,
  bodyLimitBytes: int(1024),
  headersTimeoutMs: int(100, 3_600_000),
  requestTimeoutMs: int(100, 3_600_000),
  keepAliveTimeoutMs: int(0, 3_600_000),
  unavailableRetryAfterSeconds: int(1, 3600),
  databaseConnectTimeoutMs: int(100, 600_000),
  logLevel: (v) =>
    (LOG_LEVELS as readonly unknown[]).includes(v) ? undefined : `one of ${LOG_LEVELS.join(', ')}`,
  logger: optional((v) =>
    typeof v === 'object' && v !== null && typeof (v as Logger).error === 'function'
      ? undefined
      : 'a pino logger',
  ),
  payableReputation: (v) =>
    typeof v === 'number' && v > 0 && v <= 1 ? undefined : 'a number in (0, 1]',
  adminApiKey: optional((v) =>
    typeof v === 'string' && v.length >= 16 ? undefined : 'a string of at least 16 characters',
  ),
  collusionIntervalMs: int(0, 86_400_000),
  collusionWindowSeconds: int(60),
  playbackGraceSeconds: int(0),
  currency: (v) =>
    typeof v === 'string' && /^[a-z]{3}$/.test(v) ? undefined : 'a lower-case ISO 4217 code',
  platformFeeBps: int(0, 10_000),
  supporterPoolBps: int(0, 10_000),
  p2pRebateBps: int(0, 10_000),
  cdnCostMicrosPerGb: int(0, 1_000_000_000),
  earningsMicrosPerKiloChunk: int(0, 1_000_000_000),
  uptimeBonusMax: (v) =>
    typeof v === 'number' && v >= 0 && v <= 10 ? undefined : 'a number in 0..10',
  qosMinMultiplier: (v) =>
    typeof v === 'number' && v >= 0 && v <= 1 ? undefined : 'a number in 0..1',
  monthlyCapNewMicros: int(0),
  monthlyCapMatureMicros: int(0),
  capFullAgeDays: int(0, 3650),
  payoutProvider: (v) => (v === 'file' || v === 'stripe' ? undefined : "'file' or 'stripe'"),
  payoutDir: (v) => (typeof v === 'string' && v.length > 0 ? undefined : 'a folder path'),
  stripeSecretKey: optional((v) =>
    typeof v === 'string' && v.length > 0 ? undefined : 'a Stripe secret key',
  ),
  stripeApiUrl: optional((v) =>
    typeof v === 'string' && /^https?:\/\//.test(v) ? undefined : 'an http(s) URL',
  ),
  minPayoutMicros: int(0),
  metricsMinuteRetentionDays: int(1, 3650),
  metricsRollupIntervalMs: int(0, 86_400_000),
  communityIntervalMs: int(0, 86_400_000),
  pseudonymSalt: optional((v) =>
    typeof v === 'string' && v.length >= MIN_TRACKER_SECRET_LENGTH
      ? undefined
      : `a string of at least ${MIN_TRACKER_SECRET_LENGTH} characters`,
  ),
  receiptRetentionDays: int(7, 36_500),
  addressRetentionDays: int(2, 36_500),
  retentionIntervalMs: int(0, 86_400_000),
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
  if (
    problems.length === 0 &&
    (merged.headersTimeoutMs as number) > (merged.requestTimeoutMs as number)
  )
    problems.push('headersTimeoutMs must not be more than requestTimeoutMs');
  if (
    problems.length === 0 &&
    (merged.monthlyCapNewMicros as number) > (merged.monthlyCapMatureMicros as number)
  )
    problems.push('monthlyCapNewMicros must not be more than monthlyCapMatureMicros');
  if (
    problems.length === 0 &&
    merged.payoutProvider === 'stripe' &&
    merged.stripeSecretKey === undefined
  )
    problems.push("payoutProvider 'stripe' needs stripeSecretKey");
  // The collusion job reads the addresses of its window: retention must not blank them first.
  if (
    problems.length === 0 &&
    (merged.collusionWindowSeconds as number) >= (merged.addressRetentionDays as number) * 86_400
  )
    problems.push('collusionWindowSeconds must be shorter than addressRetentionDays');
  if (problems.length > 0)
    throw new TypeError(`invalid coordinator config: ${problems.join('; ')}`);
  return merged as unknown as CoordinatorConfig;
}
