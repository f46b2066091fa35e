/**
 * The names public boards show: a viewer account's display name (migration 015), else a stable
 * pseudonym under the deployment's pseudonym salt (`privacy/pseudonyms.ts`, decision 46), so no
 * answer carries a viewer id and nobody can map a known viewer id to its pseudonym.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { publicPseudonym } from '../privacy/pseudonyms.js';

/** `Viewer ` and 6 hex digits of HMAC-SHA-256(salt, viewer id). */
export const pseudonym = publicPseudonym;

/** The public name of each of `viewerIds`. */
export async function publicNames(
  db: Kysely<DB>,
  salt: string,
  viewerIds: readonly string[],
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (viewerIds.length === 0) return names;
  const accounts = await db
    .selectFrom('viewer_accounts')
    .select(['viewer_id', 'display_name'])
    .where('viewer_id', 'in', [...viewerIds])
    .execute();
  for (const a of accounts) names.set(a.viewer_id, a.display_name);
  for (const id of viewerIds) if (!names.has(id)) names.set(id, pseudonym(salt, id));
  return names;
}
