/**
 * The rules of who the viewer is: its account, devices, sign-in attempts and secret
 * (`table-rules.ts`). All are deleted: nothing else rests on them, and with the secret gone no
 * device or session can prove the viewer again.
 */
import { changed, onePage, type TableRule } from './table-rule.js';
import { viewerSignInKey } from './subject.js';

export const IDENTITY_RULES: Readonly<Record<string, TableRule>> = {
  viewer_devices: {
    erasure: 'delete',
    why: 'devices signed in to the viewer account (their secret hashes are never exported)',
    exportRows: (db, s) =>
      onePage(
        db
          .selectFrom('viewer_devices')
          .select(['id', 'name', 'created_at', 'last_used_at', 'revoked_at'])
          .where('viewer_id', '=', s.viewerId)
          .orderBy('created_at')
          .execute(),
      ),
    erase: async (trx, t) =>
      changed(await trx.deleteFrom('viewer_devices').where('viewer_id', '=', t.viewerId).execute()),
  },
  viewer_accounts: {
    erasure: 'delete',
    why: 'the viewer account: email and display name (the password hash is never exported)',
    exportRows: (db, s) =>
      onePage(
        db
          .selectFrom('viewer_accounts')
          .select(['id', 'viewer_id', 'email', 'display_name', 'created_at', 'last_sign_in_at'])
          .where('viewer_id', '=', s.viewerId)
          .execute(),
      ),
    erase: async (trx, t) =>
      changed(
        await trx.deleteFrom('viewer_accounts').where('viewer_id', '=', t.viewerId).execute(),
      ),
  },
  sign_in_attempts: {
    erasure: 'delete',
    why: "sign-ins to the viewer account, found by its email (counted as `viewer:<email>`): they hold the email and the client's address key",
    exportRows: (db, s) =>
      s.email === undefined
        ? onePage(Promise.resolve([]))
        : onePage(
            db
              .selectFrom('sign_in_attempts')
              .selectAll()
              .where('email', '=', viewerSignInKey(s.email))
              .orderBy('id')
              .execute(),
          ),
    erase: async (trx, t) =>
      t.email === undefined
        ? 0
        : changed(
            await trx
              .deleteFrom('sign_in_attempts')
              .where('email', '=', viewerSignInKey(t.email))
              .execute(),
          ),
  },
  viewers: {
    erasure: 'delete',
    why: "the viewer's secret (its hash is never exported): deleting it ends every proof of the viewer; a later session under the same id is a new viewer",
    exportRows: (db, s) =>
      onePage(
        db
          .selectFrom('viewers')
          .select(['viewer_id', 'created_at'])
          .where('viewer_id', '=', s.viewerId)
          .execute(),
      ),
    erase: async (trx, t) =>
      changed(await trx.deleteFrom('viewers').where('viewer_id', '=', t.viewerId).execute()),
  },
};
