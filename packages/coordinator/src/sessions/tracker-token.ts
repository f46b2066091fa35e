import { createHmac } from 'node:crypto';
import { MAX_TOKEN_RENDITIONS, type TrackerTokenPayload } from '@streamrp2p/protocol';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

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

/**
 * A token for `peerId` in `streamId`, valid `ttlSeconds` from `nowMs`; with `renditions` (the
 * stream's indexed ones, see {@link tokenRenditions}) the tracker refuses swarms of others.
 */
export function issueTrackerToken(
  secret: string,
  peerId: string,
  streamId: string,
  nowMs: number,
  ttlSeconds: number,
  renditions?: string[],
): { trackerToken: string; trackerTokenExpiresAt: number } {
  const exp = Math.floor(nowMs / 1000) + ttlSeconds;
  const payload: TrackerTokenPayload = { peerId, streamId, exp };
  if (renditions !== undefined) payload.renditions = renditions;
  return { trackerToken: signTrackerToken(secret, payload), trackerTokenExpiresAt: exp };
}

/**
 * The renditions a token for `streamId` names: the indexer's, or undefined (no restriction)
 * before it found any or when there are more than a token carries.
 */
export async function tokenRenditions(
  db: Kysely<DB>,
  streamId: string,
): Promise<string[] | undefined> {
  const rows = await db
    .selectFrom('renditions')
    .select('rendition')
    .where('stream_id', '=', streamId)
    .orderBy('rendition')
    .limit(MAX_TOKEN_RENDITIONS + 1)
    .execute();
  if (rows.length === 0 || rows.length > MAX_TOKEN_RENDITIONS) return undefined;
  return rows.map((row) => row.rendition);
}
