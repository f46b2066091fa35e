import { createHmac } from 'node:crypto';
import type { TrackerTokenPayload } from '@streamrp2p/protocol';

/**
 * Signs a tracker token in the protocol's format (`TrackerTokenPayload` doc):
 * `base64url(JSON) + "." + base64url(HMAC-SHA256(secret, base64url(JSON)))`.
 *
 * @example
 * signTrackerToken(secret, { peerId, streamId, exp: nowSeconds + 600 });
 */
export function signTrackerToken(secret: string, payload: TrackerTokenPayload): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const mac = createHmac('sha256', secret).update(body, 'ascii').digest('base64url');
  return `${body}.${mac}`;
}

/** A token for `peerId` in `streamId`, valid `ttlSeconds` from `nowMs`. */
export function issueTrackerToken(
  secret: string,
  peerId: string,
  streamId: string,
  nowMs: number,
  ttlSeconds: number,
): { trackerToken: string; trackerTokenExpiresAt: number } {
  const exp = Math.floor(nowMs / 1000) + ttlSeconds;
  return {
    trackerToken: signTrackerToken(secret, { peerId, streamId, exp }),
    trackerTokenExpiresAt: exp,
  };
}
