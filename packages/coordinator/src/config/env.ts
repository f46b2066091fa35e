/**
 * The one place the coordinator reads `process.env`. Each variable is parsed strictly: a bad
 * value is reported with its name instead of silently falling back to a default.
 */
import { parseTrustProxy, trustProxyProblem, type TrustProxy } from '../http/trust-proxy.js';
import { LOG_LEVELS, type CoordinatorOptions, type LogLevel } from './config.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The variables read, for help texts and the README. */
export const ENV_VARIABLES = Object.freeze([
  'PORT',
  'HOST',
  'DATABASE_URL',
  'DATA_DIR',
  'DATABASE_POOL_SIZE',
  'TRACKER_SECRET',
  'TRACKER_TOKEN_TTL_SECONDS',
  'SESSION_TTL_SECONDS',
  'INDEXER_POLL_MS',
  'INDEXER_CONCURRENCY',
  'RECEIPTS_SAME_IP_ALLOWED',
  'REQUIRE_MEETING_TICKETS',
  'MEETING_TICKET_MAX_AGE_SECONDS',
  'RECEIPT_REWIND_SECONDS',
  'UPLOADER_MAX_KBPS',
  'UPLOADERS_PER_ADDRESS',
  'CREDIT_ROLLUP_INTERVAL_MS',
  'CHALLENGE_TTL_SECONDS',
  'POINTS_MIN_AUDIENCE',
  'POINTS_CHAT_DAILY_CAP',
  'POINTS_FOLLOW_DAILY_CAP',
  'POINTS_SHARE_DAILY_CAP',
  'POINTS_ADDRESS_CAP_FACTOR',
  'POINTS_MIN_WATCH_SECONDS',
  'REDIS_URL',
  'CHAT_HISTORY_HOURS',
  'CHAT_HISTORY_MESSAGES',
  'CHAT_PER_MINUTE_PER_VIEWER',
  'CHAT_PER_MINUTE_PER_ADDRESS',
  'PUBLIC_SDK_URL',
  'TRACKER_PUBLIC_URL',
  'PUBLIC_URL',
  'TRUST_PROXY',
  'HEADERS_TIMEOUT_MS',
  'REQUEST_TIMEOUT_MS',
  'KEEP_ALIVE_TIMEOUT_MS',
  'UNAVAILABLE_RETRY_AFTER_SECONDS',
  'DATABASE_CONNECT_TIMEOUT_MS',
  'LOG_LEVEL',
  'SESSIONS_PER_MINUTE_PER_ADDRESS',
  'SESSIONS_PER_MINUTE_PER_NETWORK',
  'LIVE_SESSIONS_PER_ADDRESS',
  'LIVE_SESSIONS_PER_NETWORK',
  'STREAMERS_PER_HOUR_PER_ADDRESS',
  'STREAMERS_PER_HOUR_PER_NETWORK',
  'SIGN_IN_FAILURES_PER_EMAIL',
  'SIGN_IN_FAILURES_PER_ADDRESS',
  'WEB_SESSION_MAX_AGE_SECONDS',
  'ORIGIN_ALLOW_LIST',
  'ORIGIN_MAX_REDIRECTS',
  'ORIGIN_MAX_PLAYLIST_BYTES',
  'ORIGIN_MAX_SEGMENT_BYTES',
  'PAYABLE_REPUTATION',
  'ADMIN_API_KEY',
  'COLLUSION_INTERVAL_MS',
  'COLLUSION_WINDOW_SECONDS',
  'CURRENCY',
  'PLATFORM_FEE_BPS',
  'SUPPORTER_POOL_BPS',
  'P2P_REBATE_BPS',
  'CDN_COST_MICROS_PER_GB',
  'EARNINGS_MICROS_PER_KILO_CHUNK',
  'UPTIME_BONUS_MAX',
  'QOS_MIN_MULTIPLIER',
  'MONTHLY_CAP_NEW_MICROS',
  'MONTHLY_CAP_MATURE_MICROS',
  'CAP_FULL_AGE_DAYS',
  'PAYOUT_PROVIDER',
  'PAYOUT_DIR',
  'STRIPE_SECRET_KEY',
  'STRIPE_API_URL',
  'MIN_PAYOUT_MICROS',
  'METRICS_MINUTE_RETENTION_DAYS',
  'METRICS_ROLLUP_INTERVAL_MS',
  'COMMUNITY_INTERVAL_MS',
  'PSEUDONYM_SALT',
  'RECEIPT_RETENTION_DAYS',
  'ADDRESS_RETENTION_DAYS',
  'RETENTION_INTERVAL_MS',
] as const);

function integer(env: Env, name: string, problems: string[]): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw.trim())) {
    problems.push(`${name} must be a non-negative integer, got "${raw}"`);
    return undefined;
  }
  return Number(raw.trim());
}

function boolean(env: Env, name: string, problems: string[]): boolean | undefined {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'no'].includes(raw)) return false;
  problems.push(`${name} must be true or false, got "${env[name]}"`);
  return undefined;
}

function text(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

/** A comma-separated list, entries trimmed, empty ones dropped. */
function list(env: Env, name: string): string[] | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** A decimal number such as `0.7`. */
function decimal(env: Env, name: string, problems: string[]): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+(\.\d+)?$/.test(raw.trim())) {
    problems.push(`${name} must be a decimal number, got "${raw}"`);
    return undefined;
  }
  return Number(raw.trim());
}

function trustProxy(env: Env, problems: string[]): TrustProxy | undefined {
  const value = parseTrustProxy(env.TRUST_PROXY);
  const problem = value === undefined ? undefined : trustProxyProblem(value);
  if (problem === undefined) return value as TrustProxy | undefined;
  problems.push(`TRUST_PROXY must be ${problem}, got "${env.TRUST_PROXY}"`);
  return undefined;
}

function logLevel(env: Env, problems: string[]): LogLevel | undefined {
  const raw = env.LOG_LEVEL?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if ((LOG_LEVELS as readonly string[]).includes(raw)) return raw as LogLevel;
  problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  return undefined;
}

/**
 * Reads the coordinator's options from environment variables. Returns the options, or the list
 * of problems (every bad variable at once). Value checks beyond parsing happen in
 * `resolveCoordinatorConfig`.
 *
 * @example
 * const read = optionsFromEnv(process.env);
 * if (!read.ok) throw new Error(read.problems.join('\n'));
 */
export function optionsFromEnv(
  env: Env,
): { ok: true; options: CoordinatorOptions } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const options: CoordinatorOptions = {
    port: integer(env, 'PORT', problems) ?? 8091,
    host: text(env, 'HOST'),
    databaseUrl: text(env, 'DATABASE_URL'),
    dataDir: text(env, 'DATA_DIR'),
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', problems),
    trackerSecret: text(env, 'TRACKER_SECRET'),
    trackerTokenTtlSeconds: integer(env, 'TRACKER_TOKEN_TTL_SECONDS', problems),
    sessionTtlSeconds: integer(env, 'SESSION_TTL_SECONDS', problems),
    indexerPollMs: integer(env, 'INDEXER_POLL_MS', problems),
    indexerConcurrency: integer(env, 'INDEXER_CONCURRENCY', problems),
    receiptsSameIpAllowed: boolean(env, 'RECEIPTS_SAME_IP_ALLOWED', problems),
    requireMeetingTickets: boolean(env, 'REQUIRE_MEETING_TICKETS', problems),
    meetingTicketMaxAgeSeconds: integer(env, 'MEETING_TICKET_MAX_AGE_SECONDS', problems),
    receiptRewindSeconds: integer(env, 'RECEIPT_REWIND_SECONDS', problems),
    uploaderMaxKbps: integer(env, 'UPLOADER_MAX_KBPS', problems),
    uploadersPerAddress: integer(env, 'UPLOADERS_PER_ADDRESS', problems),
    creditRollupIntervalMs: integer(env, 'CREDIT_ROLLUP_INTERVAL_MS', problems),
    challengeTtlSeconds: integer(env, 'CHALLENGE_TTL_SECONDS', problems),
    pointsMinAudience: integer(env, 'POINTS_MIN_AUDIENCE', problems),
    pointsChatDailyCap: integer(env, 'POINTS_CHAT_DAILY_CAP', problems),
    pointsFollowDailyCap: integer(env, 'POINTS_FOLLOW_DAILY_CAP', problems),
    pointsShareDailyCap: integer(env, 'POINTS_SHARE_DAILY_CAP', problems),
    pointsAddressCapFactor: integer(env, 'POINTS_ADDRESS_CAP_FACTOR', problems),
    pointsMinWatchSeconds: integer(env, 'POINTS_MIN_WATCH_SECONDS', problems),
    redisUrl: text(env, 'REDIS_URL'),
    chatHistoryHours: integer(env, 'CHAT_HISTORY_HOURS', problems),
    chatHistoryMessages: integer(env, 'CHAT_HISTORY_MESSAGES', problems),
    chatPerMinutePerViewer: integer(env, 'CHAT_PER_MINUTE_PER_VIEWER', problems),
    chatPerMinutePerAddress: integer(env, 'CHAT_PER_MINUTE_PER_ADDRESS', problems),
    publicSdkUrl: text(env, 'PUBLIC_SDK_URL'),
    trackerPublicUrl: text(env, 'TRACKER_PUBLIC_URL'),
    publicUrl: text(env, 'PUBLIC_URL'),
    trustProxy: trustProxy(env, problems),
    headersTimeoutMs: integer(env, 'HEADERS_TIMEOUT_MS', problems),
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', problems),
    keepAliveTimeoutMs: integer(env, 'KEEP_ALIVE_TIMEOUT_MS', problems),
    unavailableRetryAfterSeconds: integer(env, 'UNAVAILABLE_RETRY_AFTER_SECONDS', problems),
    databaseConnectTimeoutMs: integer(env, 'DATABASE_CONNECT_TIMEOUT_MS', problems),
    logLevel: logLevel(env, problems),
    sessionsPerMinutePerAddress: integer(env, 'SESSIONS_PER_MINUTE_PER_ADDRESS', problems),
    sessionsPerMinutePerNetwork: integer(env, 'SESSIONS_PER_MINUTE_PER_NETWORK', problems),
    liveSessionsPerAddress: integer(env, 'LIVE_SESSIONS_PER_ADDRESS', problems),
    liveSessionsPerNetwork: integer(env, 'LIVE_SESSIONS_PER_NETWORK', problems),
    streamersPerHourPerAddress: integer(env, 'STREAMERS_PER_HOUR_PER_ADDRESS', problems),
    streamersPerHourPerNetwork: integer(env, 'STREAMERS_PER_HOUR_PER_NETWORK', problems),
    signInFailuresPerEmail: integer(env, 'SIGN_IN_FAILURES_PER_EMAIL', problems),
    signInFailuresPerAddress: integer(env, 'SIGN_IN_FAILURES_PER_ADDRESS', problems),
    webSessionMaxAgeSeconds: integer(env, 'WEB_SESSION_MAX_AGE_SECONDS', problems),
    originAllowList: list(env, 'ORIGIN_ALLOW_LIST'),
    originMaxRedirects: integer(env, 'ORIGIN_MAX_REDIRECTS', problems),
    originMaxPlaylistBytes: integer(env, 'ORIGIN_MAX_PLAYLIST_BYTES', problems),
    originMaxSegmentBytes: integer(env, 'ORIGIN_MAX_SEGMENT_BYTES', problems),
    payableReputation: decimal(env, 'PAYABLE_REPUTATION', problems),
    adminApiKey: text(env, 'ADMIN_API_KEY'),
    collusionIntervalMs: integer(env, 'COLLUSION_INTERVAL_MS', problems),
    collusionWindowSeconds: integer(env, 'COLLUSION_WINDOW_SECONDS', problems),
    currency: text(env, 'CURRENCY'),
    platformFeeBps: integer(env, 'PLATFORM_FEE_BPS', problems),
    supporterPoolBps: integer(env, 'SUPPORTER_POOL_BPS', problems),
    p2pRebateBps: integer(env, 'P2P_REBATE_BPS', problems),
    cdnCostMicrosPerGb: integer(env, 'CDN_COST_MICROS_PER_GB', problems),
    earningsMicrosPerKiloChunk: integer(env, 'EARNINGS_MICROS_PER_KILO_CHUNK', problems),
    uptimeBonusMax: decimal(env, 'UPTIME_BONUS_MAX', problems),
    qosMinMultiplier: decimal(env, 'QOS_MIN_MULTIPLIER', problems),
    monthlyCapNewMicros: integer(env, 'MONTHLY_CAP_NEW_MICROS', problems),
    monthlyCapMatureMicros: integer(env, 'MONTHLY_CAP_MATURE_MICROS', problems),
    capFullAgeDays: integer(env, 'CAP_FULL_AGE_DAYS', problems),
    payoutProvider: text(env, 'PAYOUT_PROVIDER') as CoordinatorOptions['payoutProvider'],
    payoutDir: text(env, 'PAYOUT_DIR'),
    stripeSecretKey: text(env, 'STRIPE_SECRET_KEY'),
    stripeApiUrl: text(env, 'STRIPE_API_URL'),
    minPayoutMicros: integer(env, 'MIN_PAYOUT_MICROS', problems),
    metricsMinuteRetentionDays: integer(env, 'METRICS_MINUTE_RETENTION_DAYS', problems),
    metricsRollupIntervalMs: integer(env, 'METRICS_ROLLUP_INTERVAL_MS', problems),
    communityIntervalMs: integer(env, 'COMMUNITY_INTERVAL_MS', problems),
    pseudonymSalt: text(env, 'PSEUDONYM_SALT'),
    receiptRetentionDays: integer(env, 'RECEIPT_RETENTION_DAYS', problems),
    addressRetentionDays: integer(env, 'ADDRESS_RETENTION_DAYS', problems),
    retentionIntervalMs: integer(env, 'RETENTION_INTERVAL_MS', problems),
  };
  return problems.length > 0 ? { ok: false, problems } : { ok: true, options };
}
