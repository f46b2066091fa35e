/**
 * Creating a streamer, the one way both `POST /api/streamers` (which answers an API key) and
 * `POST /api/accounts` (which signs in instead) do it: under the address's Sybil limits
 * (`streamersPerHourPer*`), in one transaction with whatever the caller adds to it.
 */
import type { Request, Response } from 'express';
import type { Transaction } from 'kysely';
import type { AppContext } from '../context.js';
import type { DB } from '../db/schema.js';
import { lockKeys, streamerLimitHit } from '../limits/address-limits.js';
import { rateLimited } from '../limits/rate-limited.js';
import { nowDate } from '../util/clock.js';
import { hashSecret, uuid } from '../util/crypto.js';
import { addressKeys } from '../util/network.js';
import { insertApiKey } from './api-key-store.js';

/** What the new streamer starts with. */
export interface NewStreamer {
  name: string;
  /** A first API key, recorded as the key named 'default'; none when undefined. */
  apiKey?: string;
}

/**
 * Throws `429 RATE_LIMITED` when `req`'s address may create no more streamers now: a cheap
 * read, without the locks, for a caller that has costly work to do before
 * {@link createStreamerRow} (which counts again under them).
 */
export async function precheckStreamerLimit(
  ctx: AppContext,
  req: Request,
  res: Response,
): Promise<void> {
  const hit = await streamerLimitHit(
    ctx.db,
    ctx.config,
    addressKeys(req.ip ?? ''),
    nowDate(ctx.clock),
  );
  if (hit !== undefined) throw rateLimited(ctx, res, hit);
}

/**
 * Creates a streamer from `req`'s address, or throws `429 RATE_LIMITED` (with `Retry-After` on
 * `res`). `andThen` runs in the same transaction, so a failure there creates nothing.
 */
export async function createStreamerRow<T>(
  ctx: AppContext,
  req: Request,
  res: Response,
  input: NewStreamer,
  andThen: (trx: Transaction<DB>, streamerId: string, now: Date) => Promise<T>,
): Promise<T> {
  const streamerId = uuid();
  const ip = req.ip ?? '';
  const keys = addressKeys(ip);
  const now = nowDate(ctx.clock);
  return ctx.db.transaction().execute(async (trx) => {
    await lockKeys(trx, [`streamers:${keys.network}`, `streamers:${keys.address}`]);
    const hit = await streamerLimitHit(trx, ctx.config, keys, now);
    if (hit !== undefined) throw rateLimited(ctx, res, hit);
    await trx
      .insertInto('streamers')
      .values({
        id: streamerId,
        name: input.name,
        api_key_hash: input.apiKey === undefined ? null : hashSecret(input.apiKey),
        created_at: now,
        ip,
        address_key: keys.address,
        network_key: keys.network,
      })
      .execute();
    if (input.apiKey !== undefined) {
      await insertApiKey(trx, streamerId, 'default', now, input.apiKey);
    }
    return andThen(trx, streamerId, now);
  });
}
