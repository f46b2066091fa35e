/** Accounts: the email and password hash of a streamer, and how the API shows them. */
import type { AccountResponse, AccountStreamer } from '@streamrp2p/protocol/api-schemas';
import type { Kysely, Selectable } from 'kysely';
import type { AccountsTable, DB, StreamersTable } from '../db/schema.js';
import { uuid } from '../util/crypto.js';

/** An email as stored and compared: trimmed, lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Inserts the account of `streamerId` (run it in the streamer's creating transaction). */
export async function insertAccount(
  db: Kysely<DB>,
  input: { streamerId: string; email: string; passwordHash: string; now: Date },
): Promise<Selectable<AccountsTable>> {
  return db
    .insertInto('accounts')
    .values({
      id: uuid(),
      streamer_id: input.streamerId,
      email: normalizeEmail(input.email),
      password_hash: input.passwordHash,
      created_at: input.now,
      last_sign_in_at: input.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The account with `email` (any case) and its streamer, if any. */
export async function accountByEmail(
  db: Kysely<DB>,
  email: string,
): Promise<
  { account: Selectable<AccountsTable>; streamer: Selectable<StreamersTable> } | undefined
> {
  const account = await db
    .selectFrom('accounts')
    .selectAll()
    .where('email', '=', normalizeEmail(email))
    .executeTakeFirst();
  if (account === undefined) return undefined;
  const streamer = await db
    .selectFrom('streamers')
    .selectAll()
    .where('id', '=', account.streamer_id)
    .executeTakeFirstOrThrow();
  return { account, streamer };
}

export function toAccountResponse(account: Selectable<AccountsTable>): AccountResponse {
  return {
    accountId: account.id,
    email: account.email,
    streamerId: account.streamer_id,
    createdAt: account.created_at.toISOString(),
    lastSignInAt: account.last_sign_in_at?.toISOString() ?? null,
  };
}

export function toAccountStreamer(streamer: Selectable<StreamersTable>): AccountStreamer {
  return {
    streamerId: streamer.id,
    name: streamer.name,
    createdAt: streamer.created_at.toISOString(),
  };
}
