/**
 * The payout provider contract (decision 32): the one seam between the payout service, which
 * owns the ledger and the `payouts` rows, and whatever moves the money (a payout file for a bank,
 * Stripe Connect). A provider never touches the database; the service never speaks a provider's
 * protocol.
 */
import type { PayeeKind } from '../ledger/accounts.js';

/** One payment to make. */
export interface PayoutRequest {
  payoutId: string;
  /**
   * Sent to the provider as its deduplication key: a retry of an ambiguous attempt carries the
   * same key, so the provider pays at most once (`payout:<payoutId>`).
   */
  idempotencyKey: string;
  /** A whole number of the currency's payable units (see `currency-units.ts`), in micro-units. */
  amountMicros: number;
  /** ISO 4217, lower case. */
  currency: string;
  /** Provider-specific: a Stripe connected account id, a label for payout files. */
  destination: string;
  payee: { kind: PayeeKind; id: string };
  memo: string;
}

/**
 * What an attempt did.
 * - `paid`: the provider confirmed it; `providerRef` names the payment there.
 * - `failed`: a definite refusal, no money moved. `retryable: false` (a card or account error,
 *   a bad destination): the same request would be refused again, so the balance returns to the
 *   payee. `retryable: true` (e.g. our own credentials refused): the payout stays pending and the
 *   same request is sent again later.
 * - `unknown`: the money may or may not have moved (timeout, 5xx, connection reset, rate limit):
 *   the payout stays pending and is retried with the same idempotency key. A provider that
 *   throws is read as `unknown`.
 */
export type PayoutOutcome =
  | { status: 'paid'; providerRef: string }
  | { status: 'failed'; error: string; retryable: boolean }
  | { status: 'unknown'; error: string };

/** Something that pays. */
export interface PayoutProvider {
  /** The `payout_accounts.provider` and `payouts:<provider>` ledger account it pays through. */
  readonly name: string;
  /** Makes (or, with a key seen before, confirms) one payment. */
  pay(request: PayoutRequest): Promise<PayoutOutcome>;
}
