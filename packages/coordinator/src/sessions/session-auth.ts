/**
 * Session authentication: the bearer token is the session secret (only its SHA-256 is stored).
 * A session is live while not ended and seen within `sessionTtlSeconds`; every authenticated
 * call sees it again. An expired session stays expired: the SDK creates a new one.
 */
import type { Request } from 'express';
import { sql, type Selectable } from 'kysely';
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
 * The session `sessionId` if the bearer token is its secret: 404 `SESSION_NOT_FOUND` alike when
 * the id is unknown or the secret is not its own, so the answer never tells whether a session id
 * exists (the SDK creates a new session on it either way); 401 `SESSION_EXPIRED` when not live
 * (unless `allowEnded`), which only its secret's holder learns. Marks a live session seen.
 * One statement reads the session and, only when the secret matches and it is live, touches it:
 * a round trip fewer on every authenticated call (receipt batches, heartbeats, challenge polls).
 */
export async function authenticateSession(
  ctx: AppContext,
  req: Request,
  sessionId: string,
  opts: { allowEnded?: boolean } = {},
): Promise<SessionRow> {
  const secretHash = hashSecret(bearerToken(req));
  if (opts.allowEnded === true) {
    const session = await ctx.db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', sessionId)
      .executeTakeFirst();
    if (session === undefined) throw sessionNotFound(sessionId);
    checkSecret(session, secretHash);
    return session;
  }
  const now = nowDate(ctx.clock);
  const liveSince = new Date(now.getTime() - ctx.config.sessionTtlSeconds * 1000);
  const { rows } = await sql<SessionRow & { touched_at: Date | null }>`
    with found as (select * from sessions where id = ${sessionId}),
    touched as (
      update sessions set last_seen_at = ${now}
      from found
      where sessions.id = found.id and found.secret_hash = ${secretHash}
        and found.ended_at is null and found.last_seen_at >= ${liveSince}
      returning sessions.last_seen_at
    )
    select found.*, (select last_seen_at from touched) as touched_at from found`.execute(ctx.db);
  const found = rows[0];
  if (found === undefined) throw sessionNotFound(sessionId);
  const { touched_at: touchedAt, ...session } = found;
  checkSecret(session, secretHash);
  if (touchedAt === null || !isLive(ctx, session)) {
    throw new ApiError('SESSION_EXPIRED', 'the session has ended or expired; create a new one');
  }
  return { ...session, last_seen_at: touchedAt };
}

/** The one answer for an unknown session id and for a secret that is not the session's. */
function sessionNotFound(sessionId: string): ApiError {
  return new ApiError('SESSION_NOT_FOUND', `no session ${sessionId} with this secret`);
}

function checkSecret(session: SessionRow, secretHash: string): void {
  if (!sameHash(secretHash, session.secret_hash)) throw sessionNotFound(session.id);
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

/**
 * Authenticates a viewer (a supporter reading its earnings, statements and payouts): the bearer
 * token is the secret of a session of `viewerId`, live or ended, that proved it is the viewer
 * (`viewer_verified`: it created the viewer or presented its secret, `viewer-secret.ts`). 401
 * `UNAUTHORIZED` alike for an unknown secret and for another viewer's, so the answer never tells
 * whether a viewer id exists; 403 `VIEWER_NOT_VERIFIED` for an unproven session of the viewer.
 */
export async function authenticateViewer(
  ctx: AppContext,
  req: Request,
  viewerId: string,
): Promise<SessionRow> {
  const session = await ctx.db
    .selectFrom('sessions')
    .selectAll()
    .where('secret_hash', '=', hashSecret(bearerToken(req)))
    .executeTakeFirst();
  if (session === undefined || session.viewer_id !== viewerId) {
    throw new ApiError(
      'UNAUTHORIZED',
      `the bearer token is no session secret of viewer ${viewerId}`,
    );
  }
  if (!session.viewer_verified) {
    throw new ApiError(
      'VIEWER_NOT_VERIFIED',
      'this session did not prove it is the viewer: create one with the viewerSecret answered ' +
        'when the viewer was created',
    );
  }
  return session;
}
