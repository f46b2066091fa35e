/**
 * Who may export or erase a viewer: the viewer itself, proving it with the bearer token in any
 * of the ways the coordinator knows: the viewer's own secret, the secret of one of its devices
 * signed in to its account and not signed out, or the secret of a session that proved the
 * viewer (`authenticateViewer`).
 */
import type { Request } from 'express';
import type { AppContext } from '../context.js';
import { bearerToken } from '../http/auth.js';
import { authenticateViewer } from '../sessions/session-auth.js';
import { hashSecret, sameHash } from '../util/crypto.js';

/** Resolves when the bearer token proves `viewerId`; else 401 `UNAUTHORIZED` or 403. */
export async function authenticateViewerOwner(
  ctx: AppContext,
  req: Request,
  viewerId: string,
): Promise<void> {
  const hash = hashSecret(bearerToken(req));
  const viewer = await ctx.db
    .selectFrom('viewers')
    .select('secret_hash')
    .where('viewer_id', '=', viewerId)
    .executeTakeFirst();
  if (viewer !== undefined && sameHash(hash, viewer.secret_hash)) return;
  const device = await ctx.db
    .selectFrom('viewer_devices')
    .select('id')
    .where('secret_hash', '=', hash)
    .where('viewer_id', '=', viewerId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (device !== undefined) return;
  await authenticateViewer(ctx, req, viewerId);
}
