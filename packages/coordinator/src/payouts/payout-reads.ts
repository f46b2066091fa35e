/** Reads of `payouts`, as the API answers them (newest first). */
import type { PayoutResponse, PayoutStatus } from '@streamrp2p/protocol/api-schemas';
import type { Kysely, Selectable } from 'kysely';
import type { DB, PayoutsTable } from '../db/schema.js';
import type { PayeeKind } from '../ledger/accounts.js';

/** Most payouts one read answers. */
export const PAYOUTS_READ_LIMIT = 1000;

/** Payouts of one payee, or of everyone, optionally of one status; newest first. */
export async function listPayouts(
  db: Kysely<DB>,
  filter: { payee?: { kind: PayeeKind; id: string }; status?: PayoutStatus },
): Promise<PayoutResponse[]> {
  let query = db.selectFrom('payouts').selectAll();
  if (filter.payee !== undefined)
    query = query
      .where('payee_kind', '=', filter.payee.kind)
      .where('payee_id', '=', filter.payee.id);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(PAYOUTS_READ_LIMIT)
    .execute();
  return rows.map(payoutView);
}

export function payoutView(row: Selectable<PayoutsTable>): PayoutResponse {
  return {
    payoutId: row.id,
    payeeKind: row.payee_kind,
    payeeId: row.payee_id,
    provider: row.provider,
    destination: row.destination,
    amountMicros: row.amount_micros,
    currency: row.currency,
    status: row.status,
    idempotencyKey: row.idempotency_key,
    providerRef: row.provider_ref,
    error: row.error,
    attempts: row.attempts,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
