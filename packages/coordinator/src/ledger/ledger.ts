/**
 * The double-entry ledger (migration 008): transactions whose entries sum to zero, only ever
 * inserted. A correction is a new transaction, never an edit. Each transaction carries the
 * idempotency key of the business event it records (a period's close, a payout, a revenue
 * recording): posting it again posts nothing and answers the transaction already there.
 */
import { sql, type Kysely } from 'kysely';
import type { DB, LedgerTransactionsTable } from '../db/schema.js';
import { uuid } from '../util/crypto.js';

/** One line of a transaction: `amountMicros` > 0 debits `account`, < 0 credits it. */
export interface Posting {
  account: string;
  amountMicros: number;
}

/** A transaction to post. */
export interface NewTransaction {
  kind: LedgerTransactionsTable['kind'];
  /** Unique per business event, e.g. `period:<periodId>` or `payout:<payoutId>`. */
  idempotencyKey: string;
  currency: string;
  postings: readonly Posting[];
  periodId?: string;
  payoutId?: string;
  memo?: string;
}

/** What {@link postTransaction} did. */
export interface PostedTransaction {
  transactionId: string;
  /** False when a transaction with the key was already there (nothing was written). */
  created: boolean;
}

/** Rows per insert statement (PostgreSQL takes at most 65,535 parameters). */
const ENTRIES_PER_INSERT = 5000;

/** Throws unless every amount is a safe integer and they sum to exactly zero. */
export function assertBalanced(postings: readonly Posting[]): void {
  let sum = 0;
  for (const { account, amountMicros } of postings) {
    if (!Number.isSafeInteger(amountMicros))
      throw new RangeError(`ledger amount of ${account} is not an integer: ${amountMicros}`);
    if (account.length === 0) throw new RangeError('ledger posting without an account');
    sum += amountMicros;
  }
  if (sum !== 0) throw new RangeError(`ledger transaction does not balance: it sums to ${sum}`);
}

/**
 * Posts `tx` in `db` (pass a transaction to post it with other writes atomically). Zero-amount
 * postings are dropped; a transaction of nothing but zeros still records its key. Safe under
 * concurrent calls with the same key: one inserts, the others find it (`created: false`).
 */
export async function postTransaction(
  db: Kysely<DB>,
  tx: NewTransaction,
  now: Date,
): Promise<PostedTransaction> {
  assertBalanced(tx.postings);
  const id = uuid();
  const inserted = await db
    .insertInto('ledger_transactions')
    .values({
      id,
      kind: tx.kind,
      idempotency_key: tx.idempotencyKey,
      period_id: tx.periodId ?? null,
      payout_id: tx.payoutId ?? null,
      memo: tx.memo ?? null,
      created_at: now,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted === undefined) {
    const existing = await db
      .selectFrom('ledger_transactions')
      .select('id')
      .where('idempotency_key', '=', tx.idempotencyKey)
      .executeTakeFirstOrThrow();
    return { transactionId: existing.id, created: false };
  }
  const rows = tx.postings
    .filter((p) => p.amountMicros !== 0)
    .map((p) => ({
      transaction_id: id,
      account: p.account,
      amount_micros: p.amountMicros,
      currency: tx.currency,
      created_at: now,
    }));
  for (let i = 0; i < rows.length; i += ENTRIES_PER_INSERT)
    await db
      .insertInto('ledger_entries')
      .values(rows.slice(i, i + ENTRIES_PER_INSERT))
      .execute();
  return { transactionId: id, created: true };
}

/** The balance of `account` (sum of its entries; what the platform owes a payee is negative). */
export async function accountBalance(db: Kysely<DB>, account: string): Promise<number> {
  const { rows } = await sql<{ balance: number }>`
    select coalesce(sum(amount_micros), 0)::bigint as balance
    from ledger_entries where account = ${account}`.execute(db);
  return rows[0]?.balance ?? 0;
}

/** The balances of every account starting with `prefix` (e.g. `supporter:`), non-zero ones. */
export async function accountBalances(
  db: Kysely<DB>,
  prefix: string,
): Promise<Map<string, number>> {
  const { rows } = await sql<{ account: string; balance: number }>`
    select account, sum(amount_micros)::bigint as balance from ledger_entries
    where account like ${`${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}
    group by account having sum(amount_micros) <> 0`.execute(db);
  return new Map(rows.map((r) => [r.account, r.balance]));
}

/**
 * Ids of transactions whose entries do not sum to zero (none in a sound ledger), and the sum
 * of every entry (zero in a sound ledger).
 */
export async function ledgerImbalance(
  db: Kysely<DB>,
): Promise<{ unbalanced: string[]; total: number }> {
  const { rows } = await sql<{ transaction_id: string }>`
    select transaction_id from ledger_entries
    group by transaction_id having sum(amount_micros) <> 0`.execute(db);
  const { rows: total } = await sql<{ total: number }>`
    select coalesce(sum(amount_micros), 0)::bigint as total from ledger_entries`.execute(db);
  return { unbalanced: rows.map((r) => r.transaction_id), total: total[0]?.total ?? 0 };
}
