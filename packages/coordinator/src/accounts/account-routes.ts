/**
 * `/api/accounts` and `/api/auth/*`: the studio's sign-up, sign-in, sign-out and who is signed
 * in. Signing in sets the httpOnly session cookie and answers the CSRF token the studio sends
 * back as `X-CSRF-Token` (decision 34).
 */
import type { SignedInResponse } from '@streamrp2p/protocol/api-schemas';
import { SignInRequest, SignUpRequest } from '@streamrp2p/protocol/api-schemas';
import { Router, type Request, type Response } from 'express';
import createDebug from 'debug';
import type { Selectable } from 'kysely';
import type { AppContext } from '../context.js';
import { sqlState } from '../db/db-errors.js';
import type { AccountsTable, StreamersTable } from '../db/schema.js';
import { ApiError } from '../errors.js';
import * as validate from '../http/validate.js';
import { nowDate } from '../util/clock.js';
import { addressKeys } from '../util/network.js';
import {
  accountByEmail,
  insertAccount,
  normalizeEmail,
  toAccountResponse,
  toAccountStreamer,
} from './account-store.js';
import { recordStreamerSignUp } from '../referrals/record-referral.js';
import { createStreamerRow, precheckStreamerLimit } from './create-streamer.js';
import { checkCsrf, checkOrigin } from './csrf.js';
import { hashPassword, needsRehash, verifyNothing, verifyPassword } from './password.js';
import { beginSignIn, signInSucceeded } from './sign-in-limits.js';
import { csrfTokenFor, endWebSession, signedIn, startWebSession } from './web-sessions.js';

const log = createDebug('streamrp2p:coordinator:accounts');

const signUpBody = validate.body(SignUpRequest);
const signInBody = validate.body(SignInRequest);

/** PostgreSQL's unique_violation. */
const UNIQUE_VIOLATION = '23505';

function signedInResponse(
  account: Selectable<AccountsTable>,
  streamer: Selectable<StreamersTable>,
  token: string,
): SignedInResponse {
  return {
    account: toAccountResponse(account),
    streamer: toAccountStreamer(streamer),
    csrfToken: csrfTokenFor(token),
  };
}

/** Answers that hold a CSRF token are never cached. */
function noStore(res: Response): void {
  res.set('Cache-Control', 'no-store');
}

export function accountRoutes(ctx: AppContext): Router {
  const router = Router();

  router.post('/api/accounts', async (req, res) => {
    const { email, password, name, referralCode } = signUpBody.parse(req.body);
    checkOrigin(ctx, req);
    // Hashing costs ~0.1-0.2 s of CPU: not for a client over its limit.
    await precheckStreamerLimit(ctx, req, res);
    const passwordHash = await hashPassword(password);
    const created = await createStreamerRow(
      ctx,
      req,
      res,
      { name },
      async (trx, streamerId, now) => {
        const taken = await trx
          .selectFrom('accounts')
          .select('id')
          .where('email', '=', normalizeEmail(email))
          .executeTakeFirst();
        if (taken !== undefined) throw emailInUse();
        const account = await insertAccount(trx, { streamerId, email, passwordHash, now });
        if (referralCode !== undefined) {
          const keys = addressKeys(req.ip ?? '');
          await recordStreamerSignUp(trx, { code: referralCode, streamerId, keys, now });
        }
        const streamer = await trx
          .selectFrom('streamers')
          .selectAll()
          .where('id', '=', streamerId)
          .executeTakeFirstOrThrow();
        return { account, streamer };
      },
    ).catch((error: unknown) => {
      // Two sign-ups with one email at once: the unique index decides.
      throw sqlState(error) === UNIQUE_VIOLATION ? emailInUse() : error;
    });
    const token = await startWebSession(ctx, req, res, created.account.id);
    log('account %s signed up (streamer %s)', created.account.id, created.streamer.id);
    noStore(res);
    res.status(201).json(signedInResponse(created.account, created.streamer, token));
  });

  router.post('/api/auth/sign-in', async (req, res) => {
    const body = signInBody.parse(req.body);
    checkOrigin(ctx, req);
    const email = normalizeEmail(body.email);
    const attempt = await beginSignIn(ctx, res, email, addressKeys(req.ip ?? ''));
    const found = await accountByEmail(ctx.db, email);
    const matches =
      found === undefined
        ? await verifyNothing(body.password)
        : await verifyPassword(body.password, found.account.password_hash);
    if (found === undefined || !matches) {
      throw new ApiError('INVALID_CREDENTIALS', 'wrong email or password');
    }
    await signInSucceeded(ctx, attempt);
    const account = await recordSignIn(ctx, found.account, body.password);
    const token = await startWebSession(ctx, req, res, account.id);
    noStore(res);
    res.json(signedInResponse(account, found.streamer, token));
  });

  router.post('/api/auth/sign-out', async (req, res) => {
    const session = await signedIn(ctx, req);
    // Signing someone out is a change too: a foreign page may not do it.
    if (session !== undefined) checkCsrf(ctx, req, session.token);
    await endWebSession(ctx, req, res);
    res.status(204).end();
  });

  router.get('/api/auth/me', async (req, res) => {
    const session = await requireSignedIn(ctx, req);
    noStore(res);
    res.json(signedInResponse(session.account, session.streamer, session.token));
  });

  return router;
}

function emailInUse(): ApiError {
  return new ApiError('EMAIL_IN_USE', 'an account with this email exists: sign in instead');
}

async function requireSignedIn(ctx: AppContext, req: Request) {
  const session = await signedIn(ctx, req);
  if (session === undefined) throw new ApiError('UNAUTHORIZED', 'not signed in');
  return session;
}

/** Notes the sign-in time, and stores a stronger hash when the parameters were raised. */
async function recordSignIn(
  ctx: AppContext,
  account: Selectable<AccountsTable>,
  password: string,
): Promise<Selectable<AccountsTable>> {
  const rehash = needsRehash(account.password_hash) ? await hashPassword(password) : undefined;
  return ctx.db
    .updateTable('accounts')
    .set({
      last_sign_in_at: nowDate(ctx.clock),
      ...(rehash === undefined ? {} : { password_hash: rehash }),
    })
    .where('id', '=', account.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
