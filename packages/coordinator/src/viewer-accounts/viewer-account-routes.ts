/**
 * Viewer accounts (issue 13, decision 39): an anonymous viewer claims an account and keeps its
 * viewer id (points, history and supporter credit stay where they are); signing in on another
 * device answers that viewer id and a device secret which proves it like the viewer's own; a
 * device signs out alone. Claims and account reads authenticate as the viewer
 * (`authenticateViewer`: a session secret that proved the viewer).
 */
import {
  ClaimViewerAccountRequest,
  UpdateViewerAccountRequest,
  ViewerPath,
  ViewerSignInRequest,
  type ViewerSignedInResponse,
} from '@streamrp2p/protocol/api-schemas';
import { Router, type Response } from 'express';
import createDebug from 'debug';
import { normalizeEmail } from '../accounts/account-store.js';
import { hashPassword, needsRehash, verifyNothing, verifyPassword } from '../accounts/password.js';
import { beginSignIn, signInSucceeded } from '../accounts/sign-in-limits.js';
import type { AppContext } from '../context.js';
import { sqlState } from '../db/db-errors.js';
import { ApiError } from '../errors.js';
import * as validate from '../http/validate.js';
import { authenticateViewer } from '../sessions/session-auth.js';
import { nowDate } from '../util/clock.js';
import { uuid } from '../util/crypto.js';
import { addressKeys } from '../util/network.js';
import { displayName } from './display-name.js';
import {
  claimConflict,
  requireViewerAccount,
  toViewerAccountResponse,
} from './viewer-account-store.js';
import { createDevice, deviceName, signOutDevice } from './viewer-devices.js';

const log = createDebug('streamrp2p:coordinator:viewer-accounts');

const viewerPath = validate.path(ViewerPath);
const claimBody = validate.body(ClaimViewerAccountRequest);
const updateBody = validate.body(UpdateViewerAccountRequest);
const signInBody = validate.body(ViewerSignInRequest);

/** PostgreSQL's unique_violation. */
const UNIQUE_VIOLATION = '23505';

/** The sign-in limits count viewers' failures apart from the studio's, per email. */
const signInKey = (email: string) => `viewer:${email}`;

/** Answers that hold a secret or an email are never cached. */
function noStore(res: Response): void {
  res.set('Cache-Control', 'no-store');
}

export function viewerAccountRoutes(ctx: AppContext): Router {
  const router = Router();

  router.post('/api/viewers/:viewerId/account', async (req, res) => {
    const { viewerId } = viewerPath.parse(req.params);
    const body = claimBody.parse(req.body);
    const name = displayName(body.displayName);
    await authenticateViewer(ctx, req, viewerId);
    const email = normalizeEmail(body.email);
    const conflict = await claimConflict(ctx.db, viewerId, email);
    if (conflict !== undefined) throw conflict;
    const passwordHash = await hashPassword(body.password);
    const account = await ctx.db
      .insertInto('viewer_accounts')
      .values({
        id: uuid(),
        viewer_id: viewerId,
        email,
        password_hash: passwordHash,
        display_name: name,
        created_at: nowDate(ctx.clock),
      })
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch(async (error: unknown) => {
        // Two claims at once (of this viewer, or of this email): the unique indexes decide.
        if (sqlState(error) !== UNIQUE_VIOLATION) throw error;
        throw (await claimConflict(ctx.db, viewerId, email)) ?? error;
      });
    log('viewer %s claimed account %s', viewerId, account.id);
    noStore(res);
    res.status(201).json(toViewerAccountResponse(account));
  });

  router.get('/api/viewers/:viewerId/account', async (req, res) => {
    const { viewerId } = viewerPath.parse(req.params);
    await authenticateViewer(ctx, req, viewerId);
    noStore(res);
    res.json(toViewerAccountResponse(await requireViewerAccount(ctx.db, viewerId)));
  });

  router.patch('/api/viewers/:viewerId/account', async (req, res) => {
    const { viewerId } = viewerPath.parse(req.params);
    const name = displayName(updateBody.parse(req.body).displayName);
    await authenticateViewer(ctx, req, viewerId);
    await requireViewerAccount(ctx.db, viewerId);
    const account = await ctx.db
      .updateTable('viewer_accounts')
      .set({ display_name: name })
      .where('viewer_id', '=', viewerId)
      .returningAll()
      .executeTakeFirstOrThrow();
    noStore(res);
    res.json(toViewerAccountResponse(account));
  });

  router.post('/api/viewer-accounts/sign-in', async (req, res) => {
    const body = signInBody.parse(req.body);
    const email = normalizeEmail(body.email);
    const attempt = await beginSignIn(ctx, res, signInKey(email), addressKeys(req.ip ?? ''));
    const found = await ctx.db
      .selectFrom('viewer_accounts')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirst();
    // An unknown email costs the same hashing as a wrong password, and answers the same.
    const matches =
      found === undefined
        ? await verifyNothing(body.password)
        : await verifyPassword(body.password, found.password_hash);
    if (found === undefined || !matches) {
      throw new ApiError('INVALID_CREDENTIALS', 'wrong email or password');
    }
    await signInSucceeded(ctx, attempt);
    const now = nowDate(ctx.clock);
    const rehash = needsRehash(found.password_hash) ? await hashPassword(body.password) : undefined;
    const account = await ctx.db
      .updateTable('viewer_accounts')
      .set({ last_sign_in_at: now, ...(rehash === undefined ? {} : { password_hash: rehash }) })
      .where('id', '=', found.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const device = await createDevice(
      ctx.db,
      account.viewer_id,
      deviceName(body.deviceName, req.get('user-agent')),
      now,
    );
    log('viewer %s signed in on device %s', account.viewer_id, device.deviceId);
    const response: ViewerSignedInResponse = {
      account: toViewerAccountResponse(account),
      viewerId: account.viewer_id,
      viewerSecret: device.secret,
      deviceId: device.deviceId,
    };
    noStore(res);
    res.json(response);
  });

  router.post('/api/viewers/:viewerId/account/sign-out', async (req, res) => {
    const { viewerId } = viewerPath.parse(req.params);
    const session = await authenticateViewer(ctx, req, viewerId);
    await requireViewerAccount(ctx.db, viewerId);
    const unverified = await ctx.db
      .transaction()
      .execute((trx) => signOutDevice(trx, viewerId, session.viewer_device_id, nowDate(ctx.clock)));
    log(
      'viewer %s signed out device %s (%d sessions)',
      viewerId,
      session.viewer_device_id ?? 'own',
      unverified,
    );
    res.status(204).end();
  });

  return router;
}
