/**
 * Payout accounts: where a payee is paid, one row per provider (`payout_accounts`). Setting one
 * again replaces its destination; a payout already made keeps the destination it was made to.
 */
import type { PayoutAccountResponse, PayoutProviderName } from '@streamrp2p/protocol/api-schemas';
import type { Kysely, Selectable } from 'kysely';
import type { DB, PayoutAccountsTable } from '../db/schema.js';
import { ApiError } from '../errors.js';
import type { PayeeKind } from '../ledger/accounts.js';
import { STRIPE_DESTINATION } from './stripe-provider.js';

/** A payout-file label: printable, no line breaks or other control characters. */
const FILE_DESTINATION = /^[^\p{Cc}\p{Cs}]{1,200}$/u;

/** 422 `INVALID_PAYOUT_DESTINATION` unless `destination` is one `provider` can pay. */
export function checkDestination(provider: PayoutProviderName, destination: string): void {
  const ok =
    provider === 'stripe'
      ? STRIPE_DESTINATION.test(destination)
      : FILE_DESTINATION.test(destination) && destination.trim().length > 0;
  if (!ok) {
    throw new ApiError(
      'INVALID_PAYOUT_DESTINATION',
      provider === 'stripe'
        ? 'a stripe destination is a connected account id: acct_ and 1-64 letters or digits'
        : 'a file destination is a label of 1-200 printable characters',
    );
  }
}

/** Sets (or replaces) the payee's account at `provider`; answers it. */
export async function setPayoutAccount(
  db: Kysely<DB>,
  payee: { kind: PayeeKind; id: string },
  provider: PayoutProviderName,
  destination: string,
  now: Date,
): Promise<PayoutAccountResponse> {
  checkDestination(provider, destination);
  const row = await db
    .insertInto('payout_accounts')
    .values({
      payee_kind: payee.kind,
      payee_id: payee.id,
      provider,
      destination,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(['payee_kind', 'payee_id', 'provider'])
        .doUpdateSet({ destination, updated_at: now }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return accountView(row);
}

/** The payee's accounts, one per provider. */
export async function payoutAccounts(
  db: Kysely<DB>,
  payee: { kind: PayeeKind; id: string },
): Promise<PayoutAccountResponse[]> {
  const rows = await db
    .selectFrom('payout_accounts')
    .selectAll()
    .where('payee_kind', '=', payee.kind)
    .where('payee_id', '=', payee.id)
    .orderBy('provider')
    .execute();
  return rows.map(accountView);
}

function accountView(row: Selectable<PayoutAccountsTable>): PayoutAccountResponse {
  return {
    payeeKind: row.payee_kind,
    payeeId: row.payee_id,
    provider: row.provider as PayoutProviderName,
    destination: row.destination,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
