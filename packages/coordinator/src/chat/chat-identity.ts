/**
 * Who a viewer is in chat, without its viewer id or address ever reaching other viewers: its
 * viewer account's display name, else a stable pseudonym ("Viewer 3f2a"), and a sender key (what
 * the streamer mutes) — both from an HMAC of the viewer id with the deployment's pseudonym salt
 * (`privacy/pseudonyms.ts`, decision 46), so every coordinator process names a viewer alike and nobody without the salt can link a
 * name back to a viewer id. The supporter badge is the points' supporter rule (credit within
 * `supporterWindowSeconds`).
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { chatPseudonym, chatSenderKey } from '../privacy/pseudonyms.js';
import { creditedSince } from '../receipts/credit-reads.js';

/** How a viewer appears in chat. */
export interface ChatIdentity {
  name: string;
  senderKey: string;
  supporter: boolean;
  /** When `supporter` was read (ms), so a long-lived socket refreshes it. */
  checkedAt: number;
}

/** How long a supporter badge is trusted before it is read again. */
export const SUPPORTER_RECHECK_MS = 60_000;

/**
 * The sender key of `viewerId`: 16 hex characters of HMAC-SHA256(salt, `chat:` + viewer id).
 *
 * @example
 * senderKey('salt', 'viewer-1'); // e.g. '3f2a91c0d4e5b6a7'
 */
export const senderKey = chatSenderKey;

/** The pseudonym of a viewer without a display name: "Viewer" and 4 hex of its sender key. */
export const pseudonym = chatPseudonym;

/** Whether the viewer supports (was credited) within the supporter window ending at `nowMs`. */
export function isSupporter(
  db: Kysely<DB>,
  viewerId: string,
  nowMs: number,
  windowSeconds: number,
): Promise<boolean> {
  return creditedSince(db, viewerId, new Date(nowMs - windowSeconds * 1000));
}

/** The viewer's chat identity now. */
export async function chatIdentity(
  db: Kysely<DB>,
  salt: string,
  viewerId: string,
  nowMs: number,
  supporterWindowSeconds: number,
): Promise<ChatIdentity> {
  const key = senderKey(salt, viewerId);
  const [account, supporter] = await Promise.all([
    db
      .selectFrom('viewer_accounts')
      .select('display_name')
      .where('viewer_id', '=', viewerId)
      .executeTakeFirst(),
    isSupporter(db, viewerId, nowMs, supporterWindowSeconds),
  ]);
  const displayName = account?.display_name.trim();
  return {
    name: displayName === undefined || displayName === '' ? pseudonym(key) : displayName,
    senderKey: key,
    supporter,
    checkedAt: nowMs,
  };
}
