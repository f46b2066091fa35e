/**
 * Signed-in browsers. The cookie holds a random token; the database holds its SHA-256 (the
 * session id), so a leaked table signs no one in. The CSRF token is an HMAC of the cookie's
 * token: the server recomputes it instead of storing it, and a page that cannot read the
 * httpOnly cookie cannot compute it.
 */
import { createHmac } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Selectable } from 'kysely';
import type { AppContext } from '../context.js';
import type { AccountsTable, StreamersTable, WebSessionsTable } from '../db/schema.js';
import { nowDate } from '../util/clock.js';
import { hashSecret, randomSecret } from '../util/crypto.js';
import { readCookie, SESSION_COOKIE, sessionCookie } from './cookies.js';

/** A session is slid forward (expiry, `last_seen_at`, cookie Max-Age) at most this often. */
const SLIDE_RESOLUTION_MS = 60_000;
/** Longest user agent kept with a session. */
const MAX_USER_AGENT = 512;

/** A live web session with its account and streamer. */
export interface SignedIn {
  session: Selectable<WebSessionsTable>;
  account: Selectable<AccountsTable>;
  streamer: Selectable<StreamersTable>;
  /** The cookie's token (not stored): what the CSRF token derives from. */
  token: string;
}

/** The CSRF token of the session whose cookie holds `token`. */
export function csrfTokenFor(token: string): string {
  return createHmac('sha256', token).update('streamrp2p csrf v1').digest('base64url');
}

/** The session cookie of `req`, if it sent one. */
export function sessionToken(req: Request): string | undefined {
  const token = readCookie(req.get('cookie'), SESSION_COOKIE);
  return token === undefined || token === '' || token.length > 256 ? undefined : token;
}

function setCookie(req: Request, res: Response, token: string, maxAge: number): void {
  res.append('Set-Cookie', sessionCookie(token, { maxAgeSeconds: maxAge, secure: req.secure }));
}

/** Starts a session for `accountId` and sets its cookie on `res`; returns the cookie's token. */
export async function startWebSession(
  ctx: AppContext,
  req: Request,
  res: Response,
  accountId: string,
): Promise<string> {
  const token = randomSecret();
  const now = nowDate(ctx.clock);
  const maxAge = ctx.config.webSessionMaxAgeSeconds;
  await ctx.db
    .insertInto('web_sessions')
    .values({
      id: hashSecret(token),
      account_id: accountId,
      created_at: now,
      expires_at: new Date(now.getTime() + maxAge * 1000),
      last_seen_at: now,
      ip: req.ip ?? '',
      user_agent: (req.get('user-agent') ?? '').slice(0, MAX_USER_AGENT),
    })
    .execute();
  setCookie(req, res, token, maxAge);
  return token;
}

/**
 * The live session of `req`'s cookie with its account and streamer, or undefined (no cookie,
 * unknown, revoked or expired). Slides the session forward when a minute has passed since it
 * last did, re-sending the cookie with a fresh Max-Age.
 */
export async function signedIn(ctx: AppContext, req: Request): Promise<SignedIn | undefined> {
  const token = sessionToken(req);
  if (token === undefined) return undefined;
  const now = nowDate(ctx.clock);
  const session = await ctx.db
    .selectFrom('web_sessions')
    .selectAll()
    .where('id', '=', hashSecret(token))
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (session === undefined) return undefined;
  const account = await ctx.db
    .selectFrom('accounts')
    .selectAll()
    .where('id', '=', session.account_id)
    .executeTakeFirstOrThrow();
  const streamer = await ctx.db
    .selectFrom('streamers')
    .selectAll()
    .where('id', '=', account.streamer_id)
    .executeTakeFirstOrThrow();
  if (now.getTime() - session.last_seen_at.getTime() >= SLIDE_RESOLUTION_MS) {
    const maxAge = ctx.config.webSessionMaxAgeSeconds;
    session.last_seen_at = now;
    session.expires_at = new Date(now.getTime() + maxAge * 1000);
    await ctx.db
      .updateTable('web_sessions')
      .set({ last_seen_at: session.last_seen_at, expires_at: session.expires_at })
      .where('id', '=', session.id)
      .execute();
    if (req.res !== undefined) setCookie(req, req.res, token, maxAge);
  }
  return { session, account, streamer, token };
}

/** Revokes the session of `req`'s cookie (if any) and clears the cookie on `res`. */
export async function endWebSession(ctx: AppContext, req: Request, res: Response): Promise<void> {
  const token = sessionToken(req);
  if (token !== undefined) {
    await ctx.db
      .updateTable('web_sessions')
      .set({ revoked_at: nowDate(ctx.clock) })
      .where('id', '=', hashSecret(token))
      .where('revoked_at', 'is', null)
      .execute();
  }
  setCookie(req, res, '', 0);
}
