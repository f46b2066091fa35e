/**
 * Who an export or an erasure is about: the viewer id and what else names the viewer in other
 * tables (its account's email and display name, its supporter ledger account).
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { supporterAccount } from '../ledger/accounts.js';

export interface Subject {
  readonly viewerId: string;
  /** The viewer account's email (lower-cased), if it claimed one. */
  readonly email: string | undefined;
  readonly displayName: string | undefined;
  /** `supporter:<viewer id>`: its ledger account. */
  readonly ledgerAccount: string;
}

/** The subject `viewerId`, read with `db` (inside the erasure's transaction for an erasure). */
export async function loadSubject(db: Kysely<DB>, viewerId: string): Promise<Subject> {
  const account = await db
    .selectFrom('viewer_accounts')
    .select(['email', 'display_name'])
    .where('viewer_id', '=', viewerId)
    .executeTakeFirst();
  return {
    viewerId,
    email: account?.email,
    displayName: account?.display_name,
    ledgerAccount: supporterAccount(viewerId),
  };
}

/** The key sign-in attempts of a viewer account are counted under (`viewer-account-routes.ts`). */
export const viewerSignInKey = (email: string): string => `viewer:${email}`;
