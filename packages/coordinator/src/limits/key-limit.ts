/**
 * One live session per receipt key. The SDK generates a fresh key pair for every session, so an
 * honest client never meets this rule; a key shared by many sessions is one signer posing as
 * many receivers. A client that keeps its key (a supporter node restarting, a session whose state
 * was lost) may start over: a new session of the same viewer with the same key ends the
 * previous live one. Another viewer presenting a live key is refused with `409 KEY_IN_USE`.
 */
import type { Transaction } from 'kysely';
import type { CoordinatorConfig } from '../config/config.js';
import type { DB } from '../db/schema.js';
import { ApiError } from '../errors.js';

/**
 * Ends the live sessions of `viewerId` that hold `publicKey`, or throws `KEY_IN_USE` when another
 * viewer's live session holds it. Run it in the creating transaction, after {@link lockKeys} on
 * the key, so two creations with one key cannot both pass. Returns the ids of the sessions ended.
 */
export async function takeOverKey(
  trx: Transaction<DB>,
  config: CoordinatorConfig,
  publicKey: string,
  viewerId: string,
  now: Date,
): Promise<string[]> {
  const liveSince = new Date(now.getTime() - config.sessionTtlSeconds * 1000);
  const holders = await trx
    .selectFrom('sessions')
    .select(['id', 'viewer_id'])
    .where('public_key', '=', publicKey)
    .where('ended_at', 'is', null)
    .where('last_seen_at', '>=', liveSince)
    .execute();
  if (holders.some((h) => h.viewer_id !== viewerId)) {
    throw new ApiError(
      'KEY_IN_USE',
      'this public key belongs to a live session of another viewer: generate a new key pair',
    );
  }
  if (holders.length === 0) return [];
  const ids = holders.map((h) => h.id);
  await trx.updateTable('sessions').set({ ended_at: now }).where('id', 'in', ids).execute();
  return ids;
}
