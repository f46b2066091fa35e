/**
 * Referral codes: one stable code per viewer and per streamer, made on first ask. 8 characters of
 * a 32-letter alphabet without look-alikes (I, O, 0, 1): 40 random bits, so codes are not the
 * owner's id and guessing one takes about a trillion tries per existing code.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { randomInt } from '../util/crypto.js';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const CODE_LENGTH = 8;

/** Who a code belongs to. */
export type CodeOwner =
  { kind: 'viewer'; viewerId: string } | { kind: 'streamer'; streamerId: string };

/** A fresh random code. */
export function newReferralCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/** A code as requests may carry it (either case), as stored. */
export const normalizeCode = (code: string): string => code.toUpperCase();

/**
 * The owner's code, made if it has none. Concurrent first asks agree: the owner's unique column
 * keeps one row, and every caller reads that row back. A clash with another owner's code (one in
 * 2^40 per code) is retried with a new code.
 */
export async function referralCodeOf(
  db: Kysely<DB> | Transaction<DB>,
  owner: CodeOwner,
  now: Date,
): Promise<string> {
  const column = owner.kind === 'viewer' ? 'viewer_id' : 'streamer_id';
  const id = owner.kind === 'viewer' ? owner.viewerId : owner.streamerId;
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await db
      .selectFrom('referral_codes')
      .select('code')
      .where(column, '=', id)
      .executeTakeFirst();
    if (existing !== undefined) return existing.code;
    await db
      .insertInto('referral_codes')
      .values({
        code: newReferralCode(),
        viewer_id: owner.kind === 'viewer' ? id : null,
        streamer_id: owner.kind === 'streamer' ? id : null,
        created_at: now,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  throw new Error(`could not make a referral code for ${owner.kind} ${id}`);
}

/** The owner of `code`, or undefined for an unknown code. */
export async function codeOwner(
  db: Kysely<DB> | Transaction<DB>,
  code: string,
): Promise<CodeOwner | undefined> {
  const row = await db
    .selectFrom('referral_codes')
    .select(['viewer_id', 'streamer_id'])
    .where('code', '=', normalizeCode(code))
    .executeTakeFirst();
  if (row?.viewer_id != null) return { kind: 'viewer', viewerId: row.viewer_id };
  if (row?.streamer_id != null) return { kind: 'streamer', streamerId: row.streamer_id };
  return undefined;
}
