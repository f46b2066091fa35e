/**
 * Viewer secrets (migration 014, decision 36). A viewer id is the client's word: a stored
 * anonymous UUID or a site's account id. Anyone who learns one may create sessions under it,
 * which only earns that viewer credit and points, but must not let them read its statements or
 * choose where its money goes. So the coordinator answers a secret once, when it first sees a
 * viewer id, and a session proves it is the viewer by presenting it.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { hashSecret, randomSecret, sameHash } from '../util/crypto.js';

/** Whether a new session is its viewer, and the viewer's secret when it was just created. */
export interface ViewerProof {
  verified: boolean;
  /** Only for a viewer created now: the secret, to answer once. */
  secret?: string;
  /**
   * The signed-in device (migration 016) whose secret was presented: signing it out unverifies
   * the session. Undefined for the viewer's own secret.
   */
  deviceId?: string;
}

/**
 * Creates the viewer (and its secret) if the coordinator never saw it, else checks `secret`
 * against it: the viewer's own secret, or the secret of one of its devices signed in to its
 * account and not signed out (`viewer-accounts/`). Concurrent first sessions of one new viewer
 * id: one creates it, the others must present its secret like any later session.
 */
export async function proveViewer(
  db: Kysely<DB>,
  viewerId: string,
  secret: string | undefined,
  now: Date,
): Promise<ViewerProof> {
  const fresh = randomSecret();
  const created = await db
    .insertInto('viewers')
    .values({ viewer_id: viewerId, secret_hash: hashSecret(fresh), created_at: now })
    .onConflict((oc) => oc.column('viewer_id').doNothing())
    .returning('viewer_id')
    .executeTakeFirst();
  if (created !== undefined) return { verified: true, secret: fresh };
  if (secret === undefined) return { verified: false };
  const row = await db
    .selectFrom('viewers')
    .select('secret_hash')
    .where('viewer_id', '=', viewerId)
    .executeTakeFirstOrThrow();
  const hash = hashSecret(secret);
  if (sameHash(hash, row.secret_hash)) return { verified: true };
  const device = await db
    .updateTable('viewer_devices')
    .set({ last_used_at: now })
    .where('secret_hash', '=', hash)
    .where('viewer_id', '=', viewerId)
    .where('revoked_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return device === undefined ? { verified: false } : { verified: true, deviceId: device.id };
}
