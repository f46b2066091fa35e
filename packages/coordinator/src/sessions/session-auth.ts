/**
 * Session authentication: the bearer token is the session secret (only its SHA-256 is stored).
 * A session is live while not ended and seen within `sessionTtlSeconds`; every authenticated
 * call sees it again. An expired session stays expired: the SDK creates a new one.
 */
import type { Request } from 'express';
import type { Selectable } from 'kysely';
import type { AppContext } from '../context.js';
import type { SessionsTable } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { bearerToken } from '../http/auth.js';
import { hashSecret, sameHash } from '../util/crypto.js';
import { nowDate } from '../util/clock.js';

export type SessionRow = Selectable<SessionsTable>;

/** Whether `session` is live at the context's clock. */
export function isLive(
  ctx: AppContext,
  session: Pick<SessionRow, 'ended_at' | 'last_seen_at'>,
): boolean {
  return (
    session.ended_at === null &&
    session.last_seen_at.getTime() >= ctx.clock() - ctx.config.sessionTtlSeconds * 1000
  );
}

/** Marks the session seen now. */
export async function touchSession(ctx: AppContext, sessionId: string): Promise<Date> {
  const now = nowDate(ctx.clock);
  await ctx.db
    .updateTable('sessions')
    .set({ last_seen_at: now })
    .where('id', '=', sessionId)
    .execute();
  return now;
}

/**
 * The session `sessionId` if the bearer token is its secret: 404 when unknown, 401 for a wrong
 * secret, 401 `SESSION_EXPIRED` when not live (unless `allowEnded`). Marks it seen.
 */
export async function authenticateSession(
  ctx: AppContext,
  req: Request,
  sessionId: string,
  opts: { allowEnded?: boolean } = {},
): Promise<SessionRow> {
  const secret = bearerToken(req);
  const session = await ctx.db
    .selectFrom('sessions')
    .selectAll()
    .where('id', '=', sessionId)
    .executeTakeFirst();
  if (session === undefined) throw new ApiError('SESSION_NOT_FOUND', `no session ${sessionId}`);
  if (!sameHash(hashSecret(secret), session.secret_hash)) {
    throw new ApiError('UNAUTHORIZED', "the bearer token is not this session's secret");
  }
  if (opts.allowEnded === true) return session;
  if (!isLive(ctx, session)) {
    throw new ApiError('SESSION_EXPIRED', 'the session has ended or expired; create a new one');
  }
  return { ...session, last_seen_at: await touchSession(ctx, session.id) };
}

/** The live session whose secret is the bearer token (no session id in the path). */
export async function authenticateSessionBySecret(
  ctx: AppContext,
  req: Request,
): Promise<SessionRow> {
  const session = await ctx.db
    .selectFrom('sessions')
    .selectAll()
    .where('secret_hash', '=', hashSecret(bearerToken(req)))
    .executeTakeFirst();
  if (session === undefined) throw new ApiError('UNAUTHORIZED', 'unknown session secret');
  if (!isLive(ctx, session)) {
    throw new ApiError('SESSION_EXPIRED', 'the session has ended or expired; create a new one');
  }
  return { ...session, last_seen_at: await touchSession(ctx, session.id) };
}
