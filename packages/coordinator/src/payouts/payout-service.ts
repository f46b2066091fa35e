/**
 * The payout run (decision 32): pays every payee's owed ledger balance through the configured
 * provider, at most once, whatever fails when.
 *
 * 1. Open, in one database transaction under an advisory lock on the payee's account: re-read
 *    the balance, floor it to whole payable units (cents), write the `payouts` row (pending, key
 *    `payout:<id>`) and post `payout`: debit the payee account, credit `payouts:<provider>`. Two
 *    runs at once queue on the lock and the second finds the balance paid or a payout pending.
 * 2. Call the provider outside any transaction, with the payout's idempotency key.
 * 3. Settle, under the payout row's lock: `paid` posts `payout_settled` (debit
 *    `payouts:<provider>`, credit `cash`); a definite refusal posts `payout_failed` (debit
 *    `payouts:<provider>`, credit the payee account: the amount is owed again); anything
 *    ambiguous leaves it pending (error, attempts + 1).
 *
 * A run first retries every pending payout of its provider with its own key, so a timeout, a 5xx
 * or a crash between steps 1 and 3 ends in exactly one payment.
 */
import type { PayoutResponse } from '@streamrp2p/protocol/api-schemas';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB, PayoutsTable } from '../db/schema.js';
import { CASH, payeeAccount, payoutsAccount, type PayeeKind } from '../ledger/accounts.js';
import { accountBalance, accountBalances, postTransaction } from '../ledger/ledger.js';
import { lockKeys } from '../limits/address-limits.js';
import type { Clock } from '../util/clock.js';
import { nowDate } from '../util/clock.js';
import { uuid } from '../util/crypto.js';
import { payableMicros } from './currency-units.js';
import { payoutView } from './payout-reads.js';
import type { PayoutOutcome, PayoutProvider } from './provider.js';

export interface PayoutServiceOptions {
  db: Kysely<DB>;
  provider: PayoutProvider;
  /** The deployment's currency (`config.currency`). */
  currency: string;
  /** Smaller owed balances wait (`config.minPayoutMicros`). */
  minPayoutMicros: number;
  clock: Clock;
}

/** What {@link PayoutService.run} did. */
export interface PayoutRunResult {
  paid: number;
  /** Refused for good: the amount is owed to the payee again. */
  failed: number;
  /** Ambiguous: the next run retries them with the same key. */
  pending: number;
  /** Owed at least the minimum, but without a payout account for the provider. */
  skipped: number;
  /** Every payout attempted, as it stands after the run. */
  payouts: PayoutResponse[];
}

type PayoutRow = Selectable<PayoutsTable>;
const PAYEE_KINDS: readonly PayeeKind[] = ['supporter', 'streamer'];

/**
 * Runs payouts through one provider.
 *
 * @example
 * const service = new PayoutService({ db, provider, currency: 'usd', minPayoutMicros: 1e6, clock: Date.now });
 * const { paid, pending } = await service.run({ payeeKind: 'supporter' });
 */
export class PayoutService {
  readonly provider: PayoutProvider;
  readonly #opts: PayoutServiceOptions;

  constructor(opts: PayoutServiceOptions) {
    this.#opts = opts;
    this.provider = opts.provider;
  }

  /**
   * Retries pending payouts, then pays every owed balance. A provider's failure, thrown or
   * answered, never stops the run; a database error does, leaving what it touched pending for
   * the next run.
   */
  async run(opts: { payeeKind?: PayeeKind } = {}): Promise<PayoutRunResult> {
    const { db } = this.#opts;
    const kinds = opts.payeeKind === undefined ? PAYEE_KINDS : [opts.payeeKind];
    const attempted: string[] = [];
    const pending = await db
      .selectFrom('payouts')
      .select('id')
      .where('status', '=', 'pending')
      .where('provider', '=', this.provider.name)
      .where('payee_kind', 'in', kinds)
      .orderBy('created_at')
      .execute();
    for (const { id } of pending) {
      await this.#attempt(id);
      attempted.push(id);
    }
    let skipped = 0;
    for (const kind of kinds) {
      const owed = await this.#owed(kind);
      for (const { payeeId, hasAccount } of owed) {
        if (!hasAccount) {
          skipped++;
          continue;
        }
        const id = await this.#open(kind, payeeId);
        if (id === undefined) continue;
        await this.#attempt(id);
        attempted.push(id);
      }
    }
    const rows =
      attempted.length === 0
        ? []
        : await db.selectFrom('payouts').selectAll().where('id', 'in', attempted).execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    const payouts = attempted.map((id) => payoutView(byId.get(id)!));
    const count = (status: PayoutRow['status']) =>
      payouts.filter((p) => p.status === status).length;
    return {
      paid: count('paid'),
      failed: count('failed'),
      pending: count('pending'),
      skipped,
      payouts,
    };
  }

  /** Payees of `kind` owed at least the minimum, and whether they can be paid by the provider. */
  async #owed(kind: PayeeKind): Promise<Array<{ payeeId: string; hasAccount: boolean }>> {
    const { db, minPayoutMicros } = this.#opts;
    const prefix = payeeAccount(kind, '');
    const balances = await accountBalances(db, prefix);
    const owed = [...balances]
      .filter(([, balance]) => -balance >= Math.max(1, minPayoutMicros))
      .map(([account]) => account.slice(prefix.length))
      .sort();
    if (owed.length === 0) return [];
    const accounts = await db
      .selectFrom('payout_accounts')
      .select('payee_id')
      .where('payee_kind', '=', kind)
      .where('provider', '=', this.provider.name)
      .where('payee_id', 'in', owed)
      .execute();
    const payable = new Set(accounts.map((a) => a.payee_id));
    return owed.map((payeeId) => ({ payeeId, hasAccount: payable.has(payeeId) }));
  }

  /**
   * Step 1: the payout row and its `payout` transaction, atomically, under the payee's lock;
   * undefined when a payout of the payee is pending or the balance (re-read) is below the minimum.
   */
  async #open(kind: PayeeKind, payeeId: string): Promise<string | undefined> {
    const { db, currency, minPayoutMicros, clock } = this.#opts;
    const account = payeeAccount(kind, payeeId);
    const provider = this.provider.name;
    return db.transaction().execute(async (trx) => {
      await lockKeys(trx, [`payout:${account}`]);
      const open = await trx
        .selectFrom('payouts')
        .select('id')
        .where('payee_kind', '=', kind)
        .where('payee_id', '=', payeeId)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      if (open !== undefined) return undefined;
      const to = await trx
        .selectFrom('payout_accounts')
        .select('destination')
        .where('payee_kind', '=', kind)
        .where('payee_id', '=', payeeId)
        .where('provider', '=', provider)
        .executeTakeFirst();
      if (to === undefined) return undefined;
      const amount = payableMicros(Math.max(0, -(await accountBalance(trx, account))), currency);
      if (amount === 0 || amount < minPayoutMicros) return undefined;
      const id = uuid();
      const now = nowDate(clock);
      await trx
        .insertInto('payouts')
        .values({
          id,
          payee_kind: kind,
          payee_id: payeeId,
          account,
          provider,
          destination: to.destination,
          amount_micros: amount,
          currency,
          status: 'pending',
          idempotency_key: `payout:${id}`,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await postTransaction(
        trx,
        {
          kind: 'payout',
          idempotencyKey: `payout:${id}`,
          currency,
          payoutId: id,
          memo: `${kind} ${payeeId} via ${provider}`,
          postings: [
            { account, amountMicros: amount },
            { account: payoutsAccount(provider), amountMicros: -amount },
          ],
        },
        now,
      );
      return id;
    });
  }

  /** Steps 2 and 3 for a pending payout: the provider call, then its settlement. */
  async #attempt(id: string): Promise<void> {
    const row = await this.#opts.db
      .selectFrom('payouts')
      .selectAll()
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (row === undefined) return;
    let outcome: PayoutOutcome;
    try {
      outcome = await this.provider.pay({
        payoutId: row.id,
        idempotencyKey: row.idempotency_key,
        amountMicros: row.amount_micros,
        currency: row.currency,
        destination: row.destination,
        payee: { kind: row.payee_kind, id: row.payee_id },
        memo: `StreamrP2P ${row.payee_kind} payout ${row.id}`,
      });
    } catch (error) {
      outcome = {
        status: 'unknown',
        error: error instanceof Error ? error.message : String(error),
      };
    }
    await this.#settle(row, outcome);
  }

  /** Step 3, once per payout: a concurrent run's settlement of the same payout wins or waits. */
  async #settle(row: PayoutRow, outcome: PayoutOutcome): Promise<void> {
    const { db, clock } = this.#opts;
    await db.transaction().execute(async (trx) => {
      const current = await trx
        .selectFrom('payouts')
        .select('status')
        .where('id', '=', row.id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (current.status !== 'pending') return;
      const now = nowDate(clock);
      const inFlight = payoutsAccount(row.provider);
      const update = trx
        .updateTable('payouts')
        .set({ attempts: sql`attempts + 1`, updated_at: now })
        .where('id', '=', row.id);
      if (outcome.status === 'paid') {
        await postTransaction(
          trx,
          {
            kind: 'payout_settled',
            idempotencyKey: `payout_settled:${row.id}`,
            currency: row.currency,
            payoutId: row.id,
            memo: outcome.providerRef,
            postings: [
              { account: inFlight, amountMicros: row.amount_micros },
              { account: CASH, amountMicros: -row.amount_micros },
            ],
          },
          now,
        );
        await update
          .set({ status: 'paid', provider_ref: outcome.providerRef, error: null })
          .execute();
      } else if (outcome.status === 'failed' && !outcome.retryable) {
        await postTransaction(
          trx,
          {
            kind: 'payout_failed',
            idempotencyKey: `payout_failed:${row.id}`,
            currency: row.currency,
            payoutId: row.id,
            memo: outcome.error.slice(0, 500),
            postings: [
              { account: inFlight, amountMicros: row.amount_micros },
              { account: row.account, amountMicros: -row.amount_micros },
            ],
          },
          now,
        );
        await update.set({ status: 'failed', error: outcome.error.slice(0, 2000) }).execute();
      } else {
        await update.set({ error: outcome.error.slice(0, 2000) }).execute();
      }
    });
  }
}
