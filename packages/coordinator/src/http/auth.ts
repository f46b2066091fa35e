import type { Request } from 'express';
import type { Selectable } from 'kysely';
import type { AppContext } from '../context.js';
import type { StreamersTable } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { hashSecret, sameHash } from '../util/crypto.js';
import { streamerByApiKey } from '../accounts/api-key-store.js';
import { checkCsrf } from '../accounts/csrf.js';
import { signedIn } from '../accounts/web-sessions.js';

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

/**
 * The streamer making the request: by `Authorization: Bearer <API key>` (a key of `api_keys`,
 * not revoked) when the header is present, else by the studio's session cookie, whose unsafe
 * methods must also pass the CSRF checks (`accounts/csrf.ts`, 403 `CSRF_FAILED`). 401 when
 * neither identifies a streamer.
 */
export async function authenticateStreamer(
  ctx: AppContext,
  req: Request,
): Promise<Selectable<StreamersTable>> {
  if (req.get('authorization') === undefined) {
    const session = await signedIn(ctx, req);
    if (session === undefined) {
      throw new ApiError(
        'UNAUTHORIZED',
        'Authorization: Bearer <key> or a signed-in session cookie is required',
      );
    }
    checkCsrf(ctx, req, session.token);
    return session.streamer;
  }
  const streamer = await streamerByKey(ctx, bearerToken(req));
  if (streamer === undefined) throw new ApiError('UNAUTHORIZED', 'unknown API key');
  return streamer;
}

/** The streamer with this API key (not revoked), if any. */
export function streamerByKey(
  ctx: AppContext,
  apiKey: string,
): Promise<Selectable<StreamersTable> | undefined> {
  return streamerByApiKey(ctx, apiKey);
}

/**
 * The streamer of the bearer key or of the session cookie, or undefined when neither identifies
 * one: for reads that show the owner more (no CSRF check, so only for safe methods).
 */
export async function optionalStreamer(
  ctx: AppContext,
  req: Request,
): Promise<Selectable<StreamersTable> | undefined> {
  const key = optionalBearerToken(req);
  if (key !== undefined) return streamerByKey(ctx, key);
  return (await signedIn(ctx, req))?.streamer;
}

/** 403 `ADMIN_DISABLED` without a configured key; 401 unless the bearer token is that key. */
export function requireAdmin(ctx: AppContext, req: Request): void {
  const { adminApiKey } = ctx.config;
  if (adminApiKey === undefined) {
    throw new ApiError('ADMIN_DISABLED', 'admin endpoints are disabled: set ADMIN_API_KEY');
  }
  if (!sameHash(hashSecret(bearerToken(req)), hashSecret(adminApiKey))) {
    throw new ApiError('UNAUTHORIZED', 'the bearer token is not the admin key');
  }
}

/**
 * Whether the request's bearer token is the admin key (false when none is configured, and
 * without an Authorization header, so a studio request with only its cookie goes on as the
 * streamer).
 */
export function isAdmin(ctx: AppContext, req: Request): boolean {
  const { adminApiKey } = ctx.config;
  const token = optionalBearerToken(req);
  return (
    adminApiKey !== undefined &&
    token !== undefined &&
    sameHash(hashSecret(token), hashSecret(adminApiKey))
  );
}
