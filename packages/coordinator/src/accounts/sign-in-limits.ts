/**
 * Limits on password guessing: failed sign-ins per email and per client address in a 15-minute
 * window (`signInFailuresPerEmail`, `signInFailuresPerAddress`), counted in the database like
 * the other Sybil limits (`limits/address-limits.ts`) so they hold across processes. An attempt
 * is recorded as failed before the password is checked, under the keys' advisory locks, so
 * parallel guesses cannot all pass one count; a match then marks it succeeded.
 */
import type { Response } from 'express';
import { sql } from 'kysely';
import type { AppContext } from '../context.js';
import { hit, lockKeys, windowCount, type LimitHit } from '../limits/address-limits.js';
import { rateLimited } from '../limits/rate-limited.js';
import { nowDate } from '../util/clock.js';
import type { AddressKeys } from '../util/network.js';

/** The window failures are counted in. */
export const SIGN_IN_WINDOW_MS = 15 * 60_000;
/** Attempts older than this are deleted (well past any window). */
const ATTEMPT_RETENTION_MS = 24 * 3_600_000;

/**
 * Records a sign-in attempt for `email` from `keys` as failed and returns its id, or throws
 * `429 RATE_LIMITED` (with `Retry-After`) when the email or the address has failed too often.
 */
export async function beginSignIn(
  ctx: AppContext,
  res: Response,
  email: string,
  keys: AddressKeys,
): Promise<number> {
  const now = nowDate(ctx.clock);
  const since = new Date(now.getTime() - SIGN_IN_WINDOW_MS);
  return ctx.db.transaction().execute(async (trx) => {
    await lockKeys(trx, [`sign-in:${keys.address}`, `sign-in:${email}`]);
    const failed = sql<boolean>`not succeeded and created_at > ${since}`;
    const { rows } = await sql<Record<string, unknown>>`
      select
        count(*) filter (where ${failed} and email = ${email}) as email_failed,
        min(created_at) filter (where ${failed} and email = ${email}) as email_failed_oldest,
        count(*) filter (where ${failed} and address_key = ${keys.address}) as address_failed,
        min(created_at) filter (where ${failed} and address_key = ${keys.address})
          as address_failed_oldest
      from sign_in_attempts
      where (email = ${email} or address_key = ${keys.address}) and created_at > ${since}`.execute(
      trx,
    );
    const row = rows[0] ?? {};
    const count = (name: string) => windowCount(row[name], row[`${name}_oldest`]);
    const limit: LimitHit | undefined =
      hit(
        ctx.config,
        'signInFailuresPerEmail',
        count('email_failed'),
        SIGN_IN_WINDOW_MS,
        now,
        'too many failed sign-ins for this email in the last 15 minutes',
      ) ??
      hit(
        ctx.config,
        'signInFailuresPerAddress',
        count('address_failed'),
        SIGN_IN_WINDOW_MS,
        now,
        'too many failed sign-ins from this address in the last 15 minutes',
      );
    if (limit !== undefined) throw rateLimited(ctx, res, limit);
    await trx
      .deleteFrom('sign_in_attempts')
      .where('created_at', '<', new Date(now.getTime() - ATTEMPT_RETENTION_MS))
      .execute();
    const inserted = await trx
      .insertInto('sign_in_attempts')
      .values({ email, address_key: keys.address, succeeded: false, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    return inserted.id;
  });
}

/** Marks attempt `id` succeeded: it no longer counts against the email or the address. */
export async function signInSucceeded(ctx: AppContext, id: number): Promise<void> {
  await ctx.db
    .updateTable('sign_in_attempts')
    .set({ succeeded: true })
    .where('id', '=', id)
    .execute();
}
