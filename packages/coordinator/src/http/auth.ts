import type { Request } from 'express';
import type { Selectable } from 'kysely';
import type { AppContext } from '../context.js';
import type { StreamersTable } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { hashSecret } from '../util/crypto.js';

/** The `Authorization: Bearer <token>` value; 401 when absent or malformed. */
export function bearerToken(req: Request): string {
  const header = req.get('authorization');
  const match = header === undefined ? null : /^Bearer\s+(\S{1,512})\s*$/i.exec(header);
  if (match === null) throw new ApiError('UNAUTHORIZED', 'Authorization: Bearer <key> is required');
  return match[1]!;
}

/** The bearer token when present, else undefined (for endpoints with optional auth). */
export function optionalBearerToken(req: Request): string | undefined {
  return req.get('authorization') === undefined ? undefined : bearerToken(req);
}

/** The streamer whose API key is the bearer token; 401 otherwise. */
export async function authenticateStreamer(
  ctx: AppContext,
  req: Request,
): Promise<Selectable<StreamersTable>> {
  const streamer = await streamerByKey(ctx, bearerToken(req));
  if (streamer === undefined) throw new ApiError('UNAUTHORIZED', 'unknown API key');
  return streamer;
}

/** The streamer with this API key, if any. */
export function streamerByKey(
  ctx: AppContext,
  apiKey: string,
): Promise<Selectable<StreamersTable> | undefined> {
  return ctx.db
    .selectFrom('streamers')
    .selectAll()
    .where('api_key_hash', '=', hashSecret(apiKey))
    .executeTakeFirst();
}
