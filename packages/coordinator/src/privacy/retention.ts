/**
 * Retention (issue 14, decision 46): what the coordinator keeps of viewers' addresses and raw
 * receipts, and for how long. A run at `now`:
 *
 * - deletes receipts credited before `now - receiptRetentionDays` whose credit a period already
 *   settled (its uploader session's settlement mark is past the receipt). Their totals live on in
 *   `supporter_credits`, `sessions.credited_bytes`, the metrics' roll-ups and the period lines,
 *   so the ledger, statements and analytics read the same; unsettled receipts (frozen by a hold,
 *   deferred by a close) are never deleted;
 * - deletes `stream_supporter_hours` (top supporters) older than the same period;
 * - blanks client addresses and address and network keys older than `addressRetentionDays`
 *   (sessions, their credit bounds, web sessions, streamer accounts, point awards, referrals,
 *   chat messages) and deletes older sign-in attempts. The limits and the collusion job read a
 *   day back at most; an empty key matches no live client's.
 *
 * Each step is one statement per batch: an interrupted run leaves every row whole and the next
 * run goes on; a second run at the same `now` changes nothing.
 */
import { sql, type Kysely } from 'kysely';
import type { CoordinatorConfig } from '../config/config.js';
import type { DB } from '../db/schema.js';

const DAY_MS = 86_400_000;
/** Receipts deleted per statement, so a first run on a large table holds no long lock. */
export const RECEIPT_BATCH = 10_000;

/** What one run removed or blanked, by kind (the job's metric labels). */
export interface RetentionRunResult {
  receipts: number;
  supporterHours: number;
  addresses: number;
  signInAttempts: number;
}

type Settings = Pick<CoordinatorConfig, 'receiptRetentionDays' | 'addressRetentionDays'>;

/** Deletes settled receipts credited before `before`, in batches; returns how many. */
async function pruneReceipts(db: Kysely<DB>, before: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await sql`
      delete from receipts where id in (
        select r.id from receipts r
        join settlement_marks m on m.session_id = r.uploader_session_id
        where r.credited_at < ${before} and m.settled_through > r.credited_at
        limit ${RECEIPT_BATCH})`.execute(db);
    const n = Number(result.numAffectedRows ?? 0);
    total += n;
    if (n < RECEIPT_BATCH) return total;
  }
}

/** Blanks the addresses and keys of rows older than `before`; returns the rows changed. */
async function blankAddresses(db: Kysely<DB>, before: Date): Promise<number> {
  const statements = [
    sql`update credit_bounds b set address_key = '' from sessions s
      where s.id = b.session_id and s.last_seen_at < ${before} and b.address_key <> ''`,
    sql`update sessions set ip = '', address_key = '', network_key = ''
      where last_seen_at < ${before} and (ip <> '' or address_key <> '' or network_key <> '')`,
    sql`update web_sessions set ip = '' where last_seen_at < ${before} and ip <> ''`,
    sql`update streamers set ip = '', address_key = '', network_key = ''
      where created_at < ${before} and (ip <> '' or address_key <> '' or network_key <> '')`,
    sql`update viewer_points set address_key = ''
      where created_at < ${before} and address_key <> ''`,
    sql`update referrals set referee_address_key = '', referee_network_key = ''
      where created_at < ${before}
        and (referee_address_key <> '' or referee_network_key <> '')`,
    sql`update chat_messages set address_key = null
      where created_at < ${before} and address_key is not null`,
  ];
  let total = 0;
  for (const statement of statements) {
    total += Number((await statement.execute(db)).numAffectedRows ?? 0);
  }
  return total;
}

/**
 * One retention run at `now` (ms).
 *
 * @example
 * const result = await runRetention(db, config, Date.now());
 * result.receipts; // settled receipts older than receiptRetentionDays deleted
 */
export async function runRetention(
  db: Kysely<DB>,
  config: Settings,
  now: number,
): Promise<RetentionRunResult> {
  const receiptsBefore = new Date(now - config.receiptRetentionDays * DAY_MS);
  const addressesBefore = new Date(now - config.addressRetentionDays * DAY_MS);
  const receipts = await pruneReceipts(db, receiptsBefore);
  const hours = await db
    .deleteFrom('stream_supporter_hours')
    .where('bucket_start', '<', receiptsBefore)
    .executeTakeFirst();
  const addresses = await blankAddresses(db, addressesBefore);
  const attempts = await db
    .deleteFrom('sign_in_attempts')
    .where('created_at', '<', addressesBefore)
    .executeTakeFirst();
  return {
    receipts,
    supporterHours: Number(hours.numDeletedRows),
    addresses,
    signInAttempts: Number(attempts.numDeletedRows),
  };
}
