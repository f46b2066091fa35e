/**
 * The Stripe Connect payout provider (`PAYOUT_PROVIDER=stripe`): one transfer from the platform's
 * Stripe balance to the payee's connected account (`acct_...`) per payout, with the payout's
 * idempotency key as Stripe's `Idempotency-Key`, so a retry after an ambiguous failure returns
 * the first transfer instead of making a second (Stripe keeps keys for 24 hours at least).
 *
 * The client's own retries are off (`maxNetworkRetries: 0`; it still retries a closed
 * connection once, with our key): the payout service retries with the same key on its next run.
 * Requests time out after `timeoutMs` (20 s), an `unknown` outcome like any connection error.
 */
import Stripe from 'stripe';
import { toMinorUnits } from './currency-units.js';
import type { PayoutOutcome, PayoutProvider, PayoutRequest } from './provider.js';

/** A connected account id, as `payout_accounts.destination` holds it for Stripe. */
export const STRIPE_DESTINATION = /^acct_[A-Za-z0-9]{1,64}$/;

export interface StripePayoutProviderOptions {
  /** The platform's secret key (`sk_live_...`, `sk_test_...`). */
  secretKey: string;
  /** Another API base URL, e.g. a local test server (`http://127.0.0.1:12111`). @default api.stripe.com */
  apiUrl?: string;
  /** Timeout of one request. @default 20000 */
  timeoutMs?: number;
}

/** Pays through Stripe Connect transfers; see the module comment. */
export class StripePayoutProvider implements PayoutProvider {
  readonly name = 'stripe';
  readonly #stripe: Stripe;

  constructor(opts: StripePayoutProviderOptions) {
    const url = opts.apiUrl === undefined ? undefined : new URL(opts.apiUrl);
    this.#stripe = new Stripe(opts.secretKey, {
      maxNetworkRetries: 0,
      timeout: opts.timeoutMs ?? 20_000,
      telemetry: false,
      ...(url === undefined
        ? {}
        : {
            host: url.hostname,
            port: url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port),
            protocol: url.protocol === 'https:' ? 'https' : 'http',
          }),
    });
  }

  async pay(request: PayoutRequest): Promise<PayoutOutcome> {
    if (!STRIPE_DESTINATION.test(request.destination))
      return { status: 'failed', error: 'not a Stripe connected account id', retryable: false };
    try {
      const transfer = await this.#stripe.transfers.create(
        {
          amount: toMinorUnits(request.amountMicros, request.currency),
          currency: request.currency,
          destination: request.destination,
          transfer_group: request.payoutId,
          description: request.memo,
          metadata: {
            payout_id: request.payoutId,
            payee_kind: request.payee.kind,
            payee_id: request.payee.id,
          },
        },
        { idempotencyKey: request.idempotencyKey },
      );
      return { status: 'paid', providerRef: transfer.id };
    } catch (error) {
      return stripeOutcome(error);
    }
  }
}

/**
 * A Stripe error as an outcome: a refusal of the request itself (card, invalid request,
 * permission: a 4xx) fails for good; a refused key fails but is retried (no money moved, and
 * the fix is ours); everything else (5xx, rate limit, connection, timeout, an idempotency
 * conflict) may or may not have moved money and is `unknown`.
 */
export function stripeOutcome(error: unknown): PayoutOutcome {
  const message = error instanceof Error ? error.message : String(error);
  const { errors } = Stripe;
  if (
    error instanceof errors.StripeCardError ||
    error instanceof errors.StripeInvalidRequestError ||
    error instanceof errors.StripePermissionError
  ) {
    const code = (error as { code?: string }).code ?? error.type;
    const status = error.statusCode === undefined ? '' : ` ${error.statusCode}`;
    return {
      status: 'failed',
      error: `stripe${status} ${code}: ${message}`,
      retryable: false,
    };
  }
  if (error instanceof errors.StripeAuthenticationError)
    return { status: 'failed', error: `stripe authentication: ${message}`, retryable: true };
  const status = (error as { statusCode?: number }).statusCode;
  return {
    status: 'unknown',
    error: `stripe${status === undefined ? '' : ` ${status}`}: ${message}`,
  };
}
