/**
 * The deployment's one pseudonym salt and every name derived from it (decision 46). Chat sender
 * keys and names, the leaderboards' and the studio's supporter names and the analytics' viewer
 * keys are HMACs of the viewer id under this salt: stable across processes and restarts, and
 * nobody without the salt can map a known viewer id to its pseudonym. The salt is configuration
 * (`PSEUDONYM_SALT`); unset (the embedded demo), a random one stored once by migration 022 in
 * `privacy_settings`. Rotating it renames every viewer: see the coordinator README.
 */
import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/** The `privacy_settings` row that holds the stored salt. */
export const STORED_SALT_NAME = 'pseudonym_salt';

/**
 * The salt names are hashed with: `configured` when set, else the one stored in the database.
 *
 * @example
 * const salt = await resolvePseudonymSalt(db, config.pseudonymSalt);
 */
export async function resolvePseudonymSalt(
  db: Kysely<DB>,
  configured: string | undefined,
): Promise<string> {
  if (configured !== undefined) return configured;
  const row = await db
    .selectFrom('privacy_settings')
    .select('value')
    .where('name', '=', STORED_SALT_NAME)
    .executeTakeFirst();
  if (row === undefined)
    throw new Error('privacy_settings has no pseudonym_salt: run migration 022');
  return row.value;
}

const hmac = (salt: string, text: string) => createHmac('sha256', salt).update(text).digest('hex');

/**
 * A viewer's key in analytics and the studio: 16 hex of HMAC-SHA-256(salt, viewer id).
 *
 * @example
 * viewerKey('salt', 'viewer-1'); // e.g. '3f2a9c01d4e5b6a7'
 */
export function viewerKey(salt: string, viewerId: string): string {
  return hmac(salt, viewerId).slice(0, 16);
}

/** A viewer's public name without a display name: `Viewer ` and 6 hex of its viewer key. */
export function publicPseudonym(salt: string, viewerId: string): string {
  return `Viewer ${viewerKey(salt, viewerId).slice(0, 6)}`;
}

/** A viewer's chat sender key (what a streamer mutes): 16 hex of HMAC(salt, `chat:` + id). */
export function chatSenderKey(salt: string, viewerId: string): string {
  return hmac(salt, `chat:${viewerId}`).slice(0, 16);
}

/** The chat name of a viewer without a display name: `Viewer` and 4 hex of its sender key. */
export function chatPseudonym(senderKey: string): string {
  return `Viewer ${senderKey.slice(0, 4)}`;
}
