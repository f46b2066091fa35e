/**
 * CSRF protection of cookie-authenticated requests. A browser attaches the session cookie by
 * itself, so a cookie alone does not show that the studio sent the request. An unsafe method
 * (POST, PUT, PATCH, DELETE) must also carry `X-CSRF-Token`, the session's synchronizer token
 * (which only a page of this origin can learn, from the sign-in answer or `GET /api/auth/me`),
 * and, when the browser sends `Origin`, come from this coordinator's own origin. Bearer-key
 * requests carry no ambient credential and are not checked.
 */
import type { Request } from 'express';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { sameHash } from '../util/crypto.js';
import { csrfTokenFor } from './web-sessions.js';

/** The header the studio sends the CSRF token in. */
export const CSRF_HEADER = 'X-CSRF-Token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether `method` changes state (and so needs the CSRF checks with a cookie). */
export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** The origins this coordinator answers as: its configured public URL's, and the request's own. */
function ownOrigins(ctx: AppContext, req: Request): string[] {
  const origins = [`${req.protocol}://${req.get('host') ?? ''}`];
  const configured = ctx.config.publicUrl;
  if (configured !== undefined) origins.push(new URL(configured).origin);
  return origins;
}

/** 403 `CSRF_FAILED` when `req` sends an `Origin` other than this coordinator's own. */
export function checkOrigin(ctx: AppContext, req: Request): void {
  const origin = req.get('origin');
  if (origin === undefined) return;
  if (!ownOrigins(ctx, req).includes(origin)) {
    throw new ApiError('CSRF_FAILED', `requests from origin ${origin} may not use the session`);
  }
}

/**
 * The CSRF checks of a cookie-authenticated request whose cookie holds `token`: nothing for a
 * safe method, else the origin and the `X-CSRF-Token` header (compared in constant time).
 */
export function checkCsrf(ctx: AppContext, req: Request, token: string): void {
  if (!isUnsafeMethod(req.method)) return;
  checkOrigin(ctx, req);
  const sent = req.get(CSRF_HEADER);
  if (sent === undefined || sent === '') {
    throw new ApiError(
      'CSRF_FAILED',
      `the ${CSRF_HEADER} header is required with a session cookie`,
    );
  }
  if (!sameHash(sent, csrfTokenFor(token))) {
    throw new ApiError('CSRF_FAILED', `the ${CSRF_HEADER} header is not this session's token`);
  }
}
