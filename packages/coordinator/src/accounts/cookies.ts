/**
 * The two cookie operations the studio sign-in needs, written here rather than taken from a
 * package: reading one name out of a `Cookie` header, and writing the session's `Set-Cookie`.
 */

/** The session cookie's name. */
export const SESSION_COOKIE = 'streamrp2p_session';

/**
 * The value of cookie `name` in a `Cookie` header, or undefined. The first occurrence wins (a
 * browser sends the most specific path first); a value that is not valid percent-encoding is
 * taken as it is.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
      value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return undefined;
}

/** What a session `Set-Cookie` says besides the value. */
export interface SessionCookieOptions {
  /** Seconds; 0 deletes the cookie. */
  maxAgeSeconds: number;
  /** Only over HTTPS (set when the request came over HTTPS). */
  secure: boolean;
}

/**
 * A `Set-Cookie` value for the session: httpOnly (scripts cannot read it), SameSite=Lax (not
 * sent on cross-site subrequests and form posts), Path=/.
 */
export function sessionCookie(token: string, opts: SessionCookieOptions): string {
  const parts = [
    `${SESSION_COOKIE}=${encodeURIComponent(token)}`,
    'Path=/',
    `Max-Age=${Math.max(0, Math.floor(opts.maxAgeSeconds))}`,
    'HttpOnly',
    'SameSite=Lax',
  ];
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}
