/**
 * Daily caps of chat, follow and share: per viewer, and per address since viewer ids are
 * client-made and free. Counted over the paid history rows of the last 24 hours.
 */
import { sql, type Transaction } from 'kysely';
import type { PointsAction } from '@streamrp2p/protocol';
import type { DB } from '../db/schema.js';
import { dailyCaps, type DailyCapConfig, type PointsRefusal } from './points-rules.js';

const DAY_MS = 24 * 3600 * 1000;

/**
 * The first key of the two-key advisory lock that serialises one address's capped awards (the
 * second is the address key's hash). 'SP2p' in ASCII; the two-key space is apart from the
 * single-key one the credit roll-up uses.
 */
const ADDRESS_LOCK_CLASS = 0x53503270;

async function paidSince(
  trx: Transaction<DB>,
  column: 'viewer_id' | 'address_key',
  value: string,
  action: PointsAction,
  since: Date,
  limit: number,
): Promise<number> {
  const rows = await trx
    .selectFrom('viewer_points')
    .select('id')
    .where(column, '=', value)
    .where('action', '=', action)
    .where('created_at', '>', since)
    .where('points', '>', 0)
    .limit(limit)
    .execute();
  return rows.length;
}

/**
 * `daily_cap` or `address_cap` when one more `action` award would pass a cap, else undefined.
 * The caller holds the viewer's balance row lock (one award of a viewer at a time); this takes
 * the address's advisory lock until the transaction ends, so viewers of one address cannot pass
 * its cap together. Locks are always taken in that order: balance row, then address.
 */
export async function capRefusal(
  trx: Transaction<DB>,
  config: DailyCapConfig,
  award: { viewerId: string; addressKey: string; action: PointsAction; now: Date },
): Promise<PointsRefusal | undefined> {
  const caps = dailyCaps(config, award.action);
  if (caps === undefined) return undefined;
  const since = new Date(award.now.getTime() - DAY_MS);
  if (
    (await paidSince(trx, 'viewer_id', award.viewerId, award.action, since, caps.viewer)) >=
    caps.viewer
  )
    return 'daily_cap';
  if (caps.address === 0 || award.addressKey === '') return undefined;
  await sql`select pg_advisory_xact_lock(${ADDRESS_LOCK_CLASS}::int4, hashtext(${award.addressKey}))`.execute(
    trx,
  );
  const used = await paidSince(
    trx,
    'address_key',
    award.addressKey,
    award.action,
    since,
    caps.address,
  );
  return used >= caps.address ? 'address_cap' : undefined;
}
