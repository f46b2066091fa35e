/**
 * Whether chat, follow and share may pay in a stream at all: never to the stream's own owner,
 * and only in front of a real audience. Both read inside the award's transaction.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { PointsRefusal } from './points-rules.js';

/** Who earns: the viewer and the session it earns from. */
export interface Earner {
  viewerId: string;
  addressKey: string;
  networkKey: string;
  publicKey: string;
}

/** Who owns the stream: its streamer account and where the account was created from. */
export interface StreamOwner {
  streamerId: string;
  addressKey: string;
  networkKey: string;
}

/**
 * Whether the earner is the stream's owner as far as the coordinator can tell: the same
 * account id, the earning session on the owner's address or network, the earning session's key
 * used by any session on the owner's network, or the viewer seen on the owner's network in any
 * session. Empty keys (rows from before migration 003) match nothing.
 */
export async function isOwnStream(
  db: Kysely<DB> | Transaction<DB>,
  earner: Earner,
  owner: StreamOwner,
): Promise<boolean> {
  if (earner.viewerId === owner.streamerId) return true;
  if (owner.networkKey === '') return false;
  if (earner.addressKey !== '' && earner.addressKey === owner.addressKey) return true;
  if (earner.networkKey === owner.networkKey) return true;
  const linked = await db
    .selectFrom('sessions')
    .select(sql<number>`1`.as('one'))
    .where('network_key', '=', owner.networkKey)
    .where((eb) =>
      eb.or([eb('public_key', '=', earner.publicKey), eb('viewer_id', '=', earner.viewerId)]),
    )
    .limit(1)
    .executeTakeFirst();
  return linked !== undefined;
}

/**
 * The live audience of the stream as the rule sees it: the live sessions of other viewers,
 * leaving out the earner's and the owner's networks, counted as the smaller of their distinct
 * networks and distinct viewers (one viewer on three networks, or three viewers on one network,
 * is an audience of one). Each count stops at `enough`, all the rule needs to know.
 */
export async function audienceSize(
  db: Kysely<DB> | Transaction<DB>,
  streamId: string,
  earner: Earner,
  owner: StreamOwner,
  liveSince: Date,
  enough: number,
): Promise<number> {
  const others = db
    .selectFrom('sessions')
    .where('stream_id', '=', streamId)
    .where('last_seen_at', '>=', liveSince)
    .where('ended_at', 'is', null)
    .where('viewer_id', '<>', earner.viewerId)
    .where('network_key', 'not in', [earner.networkKey, owner.networkKey, '']);
  const networks = await others.select('network_key').distinct().limit(enough).execute();
  if (networks.length === 0) return 0;
  const viewers = await others.select('viewer_id').distinct().limit(enough).execute();
  return Math.min(networks.length, viewers.length);
}

/** `own_stream` or `no_audience` when the event may not pay in this stream, else undefined. */
export async function streamRefusal(
  db: Kysely<DB> | Transaction<DB>,
  streamId: string,
  earner: Earner,
  owner: StreamOwner,
  rule: { liveSince: Date; minAudience: number },
): Promise<PointsRefusal | undefined> {
  if (await isOwnStream(db, earner, owner)) return 'own_stream';
  if (rule.minAudience === 0) return undefined;
  const audience = await audienceSize(
    db,
    streamId,
    earner,
    owner,
    rule.liveSince,
    rule.minAudience,
  );
  return audience < rule.minAudience ? 'no_audience' : undefined;
}
