import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  isValidId,
  MAX_TOKEN_RENDITIONS,
  type TrackerHandshake,
  type TrackerTokenPayload,
} from '@streamrp2p/protocol';
import { TrackerError } from './errors.js';

/** What a tracker token grants; the format is owned by the protocol package. */
export type { TrackerTokenPayload };

/** What an {@link Authenticator} learns about a connection besides its handshake. */
export interface AuthContext {
  /** Client IP (see `trustProxy`). */
  ip: string;
}

/**
 * The outcome of authentication. `peerId`, when given, is authoritative: the
 * connection gets it even if another socket holds it (that socket is
 * disconnected, so a reconnecting client wins over its stale connection).
 * Without `peerId` the tracker assigns one as in open mode. `streamId`
 * restricts joins to one stream, and `renditions` to those swarms of it.
 */
export type AuthResult =
  | { ok: true; peerId?: string; streamId?: string; renditions?: string[] }
  | { ok: false; error: TrackerError };

/**
 * Decides whether a connection is allowed, from its parsed handshake.
 *
 * @example
 * const authenticate: Authenticator = (handshake) =>
 *   handshake.token === 'let-me-in'
 *     ? { ok: true }
 *     : { ok: false, error: new TrackerError('UNAUTHORIZED', 'bad token') };
 */
export type Authenticator = (
  handshake: TrackerHandshake,
  ctx: AuthContext,
) => AuthResult | Promise<AuthResult>;

function hmac(secret: string, data: string): Buffer {
  return createHmac('sha256', secret).update(data).digest();
}

/**
 * Signs a tracker token: `base64url(payloadJSON) + '.' + base64url(HMAC-SHA256(secret, base64url(payloadJSON)))`.
 * The coordinator issues these; the tracker exports this for tests and tools.
 *
 * @example
 * const token = signTrackerToken(secret, { peerId: 'p1', exp: Math.floor(Date.now() / 1000) + 300 });
 * io(url, { auth: { v: TRACKER_PROTOCOL_VERSION, token } });
 */
export function signTrackerToken(secret: string, payload: TrackerTokenPayload): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${hmac(secret, body).toString('base64url')}`;
}

function unauthorized(message: string): { ok: false; error: TrackerError } {
  return { ok: false, error: new TrackerError('UNAUTHORIZED', message) };
}

/**
 * Verifies a token made by {@link signTrackerToken}: signature (constant-time
 * compare), payload shape and expiry.
 *
 * @param nowSeconds current Unix time in seconds (a parameter so tests need no clock)
 */
export function verifyTrackerToken(
  secret: string,
  token: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): { ok: true; payload: TrackerTokenPayload } | { ok: false; error: TrackerError } {
  const parts = token.split('.');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    return unauthorized('token must be "payload.signature"');
  }
  const [body, signature] = parts as [string, string];
  // Compare the canonical encodings, so no second spelling of a signature is accepted.
  const expected = Buffer.from(hmac(secret, body).toString('base64url'));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return unauthorized('token signature is invalid');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return unauthorized('token payload is not JSON');
  }
  if (typeof payload !== 'object' || payload === null)
    return unauthorized('token payload must be an object');
  const { peerId, streamId, renditions, exp } = payload as Record<string, unknown>;
  if (!isValidId(peerId)) return unauthorized('token peerId is not a valid id');
  if (streamId !== undefined && !isValidId(streamId))
    return unauthorized('token streamId is not a valid id');
  if (typeof exp !== 'number' || !Number.isFinite(exp))
    return unauthorized('token exp must be a number');
  if (exp <= nowSeconds) return unauthorized('token has expired');
  if (
    renditions !== undefined &&
    (!Array.isArray(renditions) ||
      renditions.length > MAX_TOKEN_RENDITIONS ||
      !renditions.every(isValidId))
  ) {
    return unauthorized(`token renditions must be at most ${MAX_TOKEN_RENDITIONS} ids`);
  }
  const verified: TrackerTokenPayload = { peerId, exp };
  if (streamId !== undefined) verified.streamId = streamId;
  if (renditions !== undefined) verified.renditions = renditions as string[];
  return { ok: true, payload: verified };
}

/** The {@link Authenticator} used when the tracker has a `secret`: a valid token is required. */
export function createTokenAuthenticator(secret: string): Authenticator {
  return (handshake) => {
    if (handshake.token === undefined)
      return unauthorized('auth.token is required by this tracker');
    const verified = verifyTrackerToken(secret, handshake.token);
    if (!verified.ok) return verified;
    const { peerId, streamId, renditions } = verified.payload;
    const result: Extract<AuthResult, { ok: true }> = { ok: true, peerId };
    if (streamId !== undefined) result.streamId = streamId;
    // Renditions only mean something within the token's one stream.
    if (streamId !== undefined && renditions !== undefined) result.renditions = renditions;
    return result;
  };
}
