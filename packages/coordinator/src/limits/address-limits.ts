/**
 * Sybil limits per address and per network (`util/network.ts`): how many sessions and streamer
 * accounts one client may create, and how many of its sessions may be live at once. Counted in
 * the database, so they hold across coordinator processes: a caller takes the address's
 * advisory locks ({@link lockKeys}) in the transaction that counts and then inserts, so
 * concurrent creations from one address queue up instead of all seeing the same count.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { CoordinatorConfig } from '../config/config.js';
import type { DB } from '../db/schema.js';
import type { AddressKeys } from '../util/network.js';

/** A limit reached: which one, and when a retry may pass. */
export interface LimitHit {
  /** The config field of the limit (`sessionsPerMinutePerAddress`, ...). */
  limit: keyof CoordinatorConfig;
  /** Its value. */
  max: number;
  /** Whole seconds until the oldest counted row leaves the window (at least 1). */
  retryAfterSeconds: number;
  /** Names the limit, for the error message. */
  message: string;
}

/**
 * Takes a transaction-scoped advisory lock per key, in the order given (callers pass the wider
 * key first, the narrower last, so two transactions never wait on each other in a cycle).
 */
export async function lockKeys(trx: Transaction<DB>, keys: readonly string[]): Promise<void> {
  for (const key of [...new Set(keys)]) {
    await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
  }
}

export interface WindowCount {
  count: number;
  /** The oldest time in the window that the count includes, or null. */
  oldest: Date | null;
}

/** The {@link LimitHit} of `limit` when `counted` reached it within `windowMs`, else undefined. */
export function hit(
  config: CoordinatorConfig,
  limit: keyof CoordinatorConfig,
  counted: WindowCount,
  windowMs: number,
  now: Date,
  what: string,
): LimitHit | undefined {
  const max = config[limit] as number;
  if (counted.count < max) return undefined;
  const oldest = counted.oldest?.getTime() ?? now.getTime();
  const retryAfterSeconds = Math.max(1, Math.ceil((oldest + windowMs - now.getTime()) / 1000));
  return { limit, max, retryAfterSeconds, message: `${what} (${limit} = ${max})` };
}

/** A count and its oldest time as a query returned them. */
export function windowCount(count: unknown, oldest: unknown): WindowCount {
  return {
    count: Number(count ?? 0),
    oldest: oldest === null || oldest === undefined ? null : new Date(oldest as Date | string),
  };
}

/**
 * The first session limit a new session from `keys` would pass, or undefined: creations in the
 * last minute and live sessions, per address then per network. One indexed scan of the network's
 * sessions (an address always lies inside its network).
 */
export async function sessionLimitHit(
  db: Kysely<DB>,
  config: CoordinatorConfig,
  keys: AddressKeys,
  now: Date,
): Promise<LimitHit | undefined> {
  const minuteAgo = new Date(now.getTime() - 60_000);
  const ttlMs = config.sessionTtlSeconds * 1000;
  const liveSince = new Date(now.getTime() - ttlMs);
  const recent = sql<boolean>`created_at > ${minuteAgo}`;
  const live = sql<boolean>`ended_at is null and last_seen_at >= ${liveSince}`;
  const mine = sql<boolean>`address_key = ${keys.address}`;
  const { rows } = await sql<Record<string, unknown>>`
    select
      count(*) filter (where ${recent} and ${mine}) as address_recent,
      min(created_at) filter (where ${recent} and ${mine}) as address_recent_oldest,
      count(*) filter (where ${recent}) as network_recent,
      min(created_at) filter (where ${recent}) as network_recent_oldest,
      count(*) filter (where ${live} and ${mine}) as address_live,
      min(last_seen_at) filter (where ${live} and ${mine}) as address_live_oldest,
      count(*) filter (where ${live}) as network_live,
      min(last_seen_at) filter (where ${live}) as network_live_oldest
    from sessions
    where network_key = ${keys.network} and (${recent} or ${live})`.execute(db);
  const row = rows[0] ?? {};
  const count = (name: string) => windowCount(row[name], row[`${name}_oldest`]);
  return (
    hit(
      config,
      'sessionsPerMinutePerAddress',
      count('address_recent'),
      60_000,
      now,
      'too many sessions created from this address in the last minute',
    ) ??
    hit(
      config,
      'sessionsPerMinutePerNetwork',
      count('network_recent'),
      60_000,
      now,
      'too many sessions created from this network in the last minute',
    ) ??
    hit(
      config,
      'liveSessionsPerAddress',
      count('address_live'),
      ttlMs,
      now,
      'too many live sessions from this address',
    ) ??
    hit(
      config,
      'liveSessionsPerNetwork',
      count('network_live'),
      ttlMs,
      now,
      'too many live sessions from this network',
    )
  );
}

/** The first streamer-account limit a new account from `keys` would pass, or undefined. */
export async function streamerLimitHit(
  db: Kysely<DB>,
  config: CoordinatorConfig,
  keys: AddressKeys,
  now: Date,
): Promise<LimitHit | undefined> {
  const hourAgo = new Date(now.getTime() - 3_600_000);
  const mine = sql<boolean>`address_key = ${keys.address}`;
  const { rows } = await sql<Record<string, unknown>>`
    select
      count(*) filter (where ${mine}) as address_recent,
      min(created_at) filter (where ${mine}) as address_recent_oldest,
      count(*) as network_recent,
      min(created_at) as network_recent_oldest
    from streamers
    where network_key = ${keys.network} and created_at > ${hourAgo}`.execute(db);
  const row = rows[0] ?? {};
  const count = (name: string) => windowCount(row[name], row[`${name}_oldest`]);
  return (
    hit(
      config,
      'streamersPerHourPerAddress',
      count('address_recent'),
      3_600_000,
      now,
      'too many streamer accounts created from this address in the last hour',
    ) ??
    hit(
      config,
      'streamersPerHourPerNetwork',
      count('network_recent'),
      3_600_000,
      now,
      'too many streamer accounts created from this network in the last hour',
    )
  );
}
