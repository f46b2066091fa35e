/** Payout test helpers: owed balances posted straight into the ledger, and a scripted provider. */
import type { Kysely } from 'kysely';
import type { DB } from '../src/index.js';
import { CASH, payeeAccount, type PayeeKind } from '../src/ledger/accounts.js';
import { accountBalance, ledgerImbalance, postTransaction } from '../src/ledger/ledger.js';
import type { PayoutOutcome, PayoutProvider, PayoutRequest } from '../src/payouts/provider.js';
import { uuid } from '../src/util/crypto.js';

/** Makes the platform owe `micros` more to the payee (a correction: debit cash, credit it). */
export async function owe(
  db: Kysely<DB>,
  kind: PayeeKind,
  id: string,
  micros: number,
): Promise<void> {
  await postTransaction(
    db,
    {
      kind: 'correction',
      idempotencyKey: `test-owe:${uuid()}`,
      currency: 'usd',
      postings: [
        { account: CASH, amountMicros: micros },
        { account: payeeAccount(kind, id), amountMicros: -micros },
      ],
    },
    new Date(),
  );
}

/** What the platform owes the payee now (minus its balance). */
export async function owed(db: Kysely<DB>, kind: PayeeKind, id: string): Promise<number> {
  return 0 - (await accountBalance(db, payeeAccount(kind, id)));
}

/** Throws unless every transaction, and the whole ledger, sums to zero. */
export async function expectBalancedLedger(db: Kysely<DB>): Promise<void> {
  const { unbalanced, total } = await ledgerImbalance(db);
  if (unbalanced.length > 0 || total !== 0)
    throw new Error(`ledger unbalanced: ${JSON.stringify({ unbalanced, total })}`);
}

type Step = PayoutOutcome | 'throw' | ((request: PayoutRequest) => Promise<PayoutOutcome>);

/**
 * A provider that answers from a script (then `paid`), records every request and, like a real
 * provider, pays a key once: a key it paid before answers its first reference again.
 */
export class ScriptedProvider implements PayoutProvider {
  readonly requests: PayoutRequest[] = [];
  /** Keys it moved money for, with the reference. */
  readonly paid = new Map<string, string>();
  readonly #script: Step[];

  constructor(
    readonly name = 'test',
    ...script: Step[]
  ) {
    this.#script = script;
  }

  then(...steps: Step[]): this {
    this.#script.push(...steps);
    return this;
  }

  async pay(request: PayoutRequest): Promise<PayoutOutcome> {
    this.requests.push(request);
    const step = this.#script.shift() ?? { status: 'paid', providerRef: '' };
    if (step === 'throw') throw new Error('provider crashed');
    const outcome = typeof step === 'function' ? await step(request) : step;
    if (outcome.status !== 'paid') return outcome;
    const ref = this.paid.get(request.idempotencyKey) ?? `ref-${this.paid.size + 1}`;
    this.paid.set(request.idempotencyKey, ref);
    return { status: 'paid', providerRef: ref };
  }
}

/** Gives the payee an account at `provider` (any name, for scripted providers). */
export async function payoutAccount(
  db: Kysely<DB>,
  kind: PayeeKind,
  id: string,
  provider: string,
  destination = `label of ${id}`,
): Promise<void> {
  const now = new Date();
  await db
    .insertInto('payout_accounts')
    .values({
      payee_kind: kind,
      payee_id: id,
      provider,
      destination,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['payee_kind', 'payee_id', 'provider']).doUpdateSet({ destination }),
    )
    .execute();
}
