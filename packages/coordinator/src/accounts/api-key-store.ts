/**
 * A streamer's API keys (migration 013): created with a name and shown once, looked up by hash,
 * listed without the key, revoked. A revoked key stops working at its next request.
 */
import type { ApiKeyResponse } from '@streamrp2p/protocol/api-schemas';
import type { Kysely, Selectable } from 'kysely';
import type { AppContext } from '../context.js';
import type { ApiKeysTable, DB, StreamersTable } from '../db/schema.js';
import { nowDate } from '../util/clock.js';
import { hashSecret, randomSecret, uuid } from '../util/crypto.js';

/** Characters of a key kept in the clear, to tell keys apart in a list. */
export const KEY_PREFIX_LENGTH = 8;
/** `last_used_at` is written at most this often per key, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** A new key of `streamerId`, stored as its hash; returns the row and the key (shown once). */
export async function insertApiKey(
  db: Kysely<DB>,
  streamerId: string,
  name: string,
  now: Date,
  apiKey: string = randomSecret(),
): Promise<{ row: Selectable<ApiKeysTable>; apiKey: string }> {
  const row = await db
    .insertInto('api_keys')
    .values({
      id: uuid(),
      streamer_id: streamerId,
      name,
      key_hash: hashSecret(apiKey),
      prefix: apiKey.slice(0, KEY_PREFIX_LENGTH),
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { row, apiKey };
}

/**
 * The streamer of a live (not revoked) key, or undefined. Notes the key's use, at most once a
 * minute, so a busy key does not write on every request.
 */
export async function streamerByApiKey(
  ctx: AppContext,
  apiKey: string,
): Promise<Selectable<StreamersTable> | undefined> {
  const found = await ctx.db
    .selectFrom('api_keys')
    .innerJoin('streamers', 'streamers.id', 'api_keys.streamer_id')
    .selectAll('streamers')
    .select(['api_keys.id as key_id', 'api_keys.last_used_at as key_last_used_at'])
    .where('api_keys.key_hash', '=', hashSecret(apiKey))
    .where('api_keys.revoked_at', 'is', null)
    .executeTakeFirst();
  if (found === undefined) return undefined;
  const { key_id: keyId, key_last_used_at: lastUsed, ...streamer } = found;
  const now = nowDate(ctx.clock);
  if (lastUsed === null || now.getTime() - lastUsed.getTime() >= LAST_USED_RESOLUTION_MS) {
    await ctx.db
      .updateTable('api_keys')
      .set({ last_used_at: now })
      .where('id', '=', keyId)
      .execute();
  }
  return streamer;
}

/** A key as lists show it: never the key or its hash. */
export function toApiKeyResponse(row: Selectable<ApiKeysTable>): ApiKeyResponse {
  return {
    keyId: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

/** Every key of `streamerId`, revoked ones too, newest first. */
export async function listApiKeys(
  db: Kysely<DB>,
  streamerId: string,
): Promise<Array<Selectable<ApiKeysTable>>> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('streamer_id', '=', streamerId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
}

/** Live (not revoked) keys of `streamerId`. */
export async function liveApiKeyCount(db: Kysely<DB>, streamerId: string): Promise<number> {
  const row = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('streamer_id', '=', streamerId)
    .where('revoked_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * Revokes key `keyId` of `streamerId` (a second revocation keeps the first time). Returns the
 * row, or undefined when the streamer has no such key.
 */
export async function revokeApiKey(
  db: Kysely<DB>,
  streamerId: string,
  keyId: string,
  now: Date,
): Promise<Selectable<ApiKeysTable> | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('api_keys')
      .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(now)) }))
      .where('id', '=', keyId)
      .where('streamer_id', '=', streamerId)
      .returningAll()
      .executeTakeFirst();
    if (row === undefined) return undefined;
    // The first key is also in the old column; clear it so no reader of that column accepts it.
    await trx
      .updateTable('streamers')
      .set({ api_key_hash: null })
      .where('id', '=', streamerId)
      .where('api_key_hash', '=', row.key_hash)
      .execute();
    return row;
  });
}
