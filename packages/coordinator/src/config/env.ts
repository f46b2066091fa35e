/**
 * The one place the coordinator reads `process.env`. Each variable is parsed strictly: a bad
 * value is reported with its name instead of silently falling back to a default.
 */
import type { CoordinatorOptions } from './config.js';

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
  'CREDIT_ROLLUP_INTERVAL_MS',
  'CHALLENGE_TTL_SECONDS',
  'PUBLIC_SDK_URL',
  'TRACKER_PUBLIC_URL',
  'PUBLIC_URL',
  'TRUST_PROXY',
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

function trustProxy(raw: string | undefined): boolean | number | string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  return /^\d+$/.test(raw) ? Number(raw) : raw;
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
    creditRollupIntervalMs: integer(env, 'CREDIT_ROLLUP_INTERVAL_MS', problems),
    challengeTtlSeconds: integer(env, 'CHALLENGE_TTL_SECONDS', problems),
    publicSdkUrl: text(env, 'PUBLIC_SDK_URL'),
    trackerPublicUrl: text(env, 'TRACKER_PUBLIC_URL'),
    publicUrl: text(env, 'PUBLIC_URL'),
    trustProxy: trustProxy(env.TRUST_PROXY),
  };
  return problems.length > 0 ? { ok: false, problems } : { ok: true, options };
}
