/**
 * The names public boards show: a viewer account's display name (migration 015), else a stable
 * pseudonym from an HMAC of the viewer id under the deployment's salt (migration 019), so no
 * answer carries a viewer id and nobody can map a known viewer id to its pseudonym.
 */
import { createHmac } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/** `Viewer ` and 6 hex digits of HMAC-SHA-256(salt, viewer id). */
export function pseudonym(salt: string, viewerId: string): string {
  return `Viewer ${createHmac('sha256', salt).update(viewerId).digest('hex').slice(0, 6)}`;
}

const salts = new WeakMap<Kysely<DB>, Promise<string>>();

/** The deployment's pseudonym salt, read once per database handle. */
export function pseudonymSalt(db: Kysely<DB>): Promise<string> {
  let salt = salts.get(db);
  if (salt === undefined) {
    salt = sql<{ value: string }>`
      select value from leaderboard_settings where name = 'pseudonym_salt'`
      .execute(db)
      .then(({ rows }) => {
        const value = rows[0]?.value;
        if (value === undefined) throw new Error('leaderboard_settings has no pseudonym_salt');
        return value;
      });
    salt.catch(() => salts.delete(db));
    salts.set(db, salt);
  }
  return salt;
}

/** The public name of each of `viewerIds`. */
export async function publicNames(
  db: Kysely<DB>,
  viewerIds: readonly string[],
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (viewerIds.length === 0) return names;
  const [salt, accounts] = await Promise.all([
    pseudonymSalt(db),
    db
      .selectFrom('viewer_accounts')
      .select(['viewer_id', 'display_name'])
      .where('viewer_id', 'in', [...viewerIds])
      .execute(),
  ]);
  for (const a of accounts) names.set(a.viewer_id, a.display_name);
  for (const id of viewerIds) if (!names.has(id)) names.set(id, pseudonym(salt, id));
  return names;
}
