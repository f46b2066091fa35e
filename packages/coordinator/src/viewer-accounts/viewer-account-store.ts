/** Viewer accounts (migration 015): reading one, and how the API shows it. */
import type { ViewerAccountResponse } from '@streamrp2p/protocol/api-schemas';
import type { Kysely, Selectable } from 'kysely';
import type { DB, ViewerAccountsTable } from '../db/schema.js';
import { ApiError } from '../errors.js';

export type ViewerAccountRow = Selectable<ViewerAccountsTable>;

export function toViewerAccountResponse(account: ViewerAccountRow): ViewerAccountResponse {
  return {
    viewerId: account.viewer_id,
    email: account.email,
    displayName: account.display_name,
    createdAt: account.created_at.toISOString(),
    lastSignInAt: account.last_sign_in_at?.toISOString() ?? null,
  };
}

/** The account of `viewerId`, or 404 `NOT_FOUND` while the viewer is anonymous. */
export async function requireViewerAccount(
  db: Kysely<DB>,
  viewerId: string,
): Promise<ViewerAccountRow> {
  const account = await db
    .selectFrom('viewer_accounts')
    .selectAll()
    .where('viewer_id', '=', viewerId)
    .executeTakeFirst();
  if (account === undefined) {
    throw new ApiError('NOT_FOUND', `viewer ${viewerId} has no account: claim one first`);
  }
  return account;
}

/**
 * Why a claim of `email` by `viewerId` must fail, if it must: the viewer has an account, or the
 * email belongs to another. Checked before the password is hashed (a refusal costs no CPU), and
 * again by the unique indexes when two claims race.
 */
export async function claimConflict(
  db: Kysely<DB>,
  viewerId: string,
  email: string,
): Promise<ApiError | undefined> {
  const taken = await db
    .selectFrom('viewer_accounts')
    .select(['viewer_id', 'email'])
    .where((eb) => eb.or([eb('viewer_id', '=', viewerId), eb('email', '=', email)]))
    .execute();
  if (taken.some((row) => row.viewer_id === viewerId)) {
    return new ApiError('VIEWER_ACCOUNT_EXISTS', `viewer ${viewerId} has an account: sign in`);
  }
  if (taken.length > 0) {
    return new ApiError('EMAIL_IN_USE', 'an account with this email exists: sign in instead');
  }
  return undefined;
}
