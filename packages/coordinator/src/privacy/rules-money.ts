/**
 * The rules of the viewer's earnings and payouts (`table-rules.ts`). Bookkeeping law requires
 * payment records to be kept: statements, ledger lines and payouts stay, under the pseudonym,
 * with their amounts, dates and the provider's reference, and without where the money went
 * (the payout destination) or anything else naming the viewer. The ledger's sums per account
 * and in total do not move: the viewer's account is renamed, not changed.
 */
import { sql } from 'kysely';
import { supporterAccount } from '../ledger/accounts.js';
import { changed, onePage, renamedViewerRule, type TableRule } from './table-rule.js';

export const MONEY_RULES: Readonly<Record<string, TableRule>> = {
  settlement_marks: renamedViewerRule(
    'settlement_marks',
    "how far each of the viewer's sessions is settled: the next period close reads it",
  ),
  period_supporters: {
    erasure: 'keep-pseudonymised',
    why: "the viewer's statement lines (earnings per period): a payment record, kept with its figures under the pseudonym",
    exportRows: (db, s) =>
      onePage(
        db
          .selectFrom('period_supporters')
          .selectAll()
          .where('viewer_id', '=', s.viewerId)
          .execute(),
      ),
    erase: async (trx, t) =>
      changed(
        await trx
          .updateTable('period_supporters')
          .set({ viewer_id: t.pseudonym })
          .where('viewer_id', '=', t.viewerId)
          .execute(),
      ),
  },
  ledger_transactions: {
    erasure: 'keep-pseudonymised',
    why: "transactions with a line on the viewer's account: kept; a memo naming the viewer (a payout's) names the pseudonym instead",
    exportRows: (db, s) =>
      onePage(
        db
          .selectFrom('ledger_transactions')
          .selectAll()
          .where(
            'id',
            'in',
            db
              .selectFrom('ledger_entries')
              .select('transaction_id')
              .where('account', '=', s.ledgerAccount),
          )
          .orderBy('created_at')
          .execute(),
      ),
    // Before `ledger_entries`, whose account this finds the transactions by.
    erase: async (trx, t) =>
      changed(
        await trx
          .updateTable('ledger_transactions')
          .set({ memo: sql<string>`replace(memo, ${t.viewerId}, ${t.pseudonym})` })
          .where(
            'id',
            'in',
            trx
              .selectFrom('ledger_entries')
              .select('transaction_id')
              .where('account', '=', t.ledgerAccount),
          )
          .where(sql`position(${t.viewerId} in memo)`, '>', 0)
          .execute(),
      ),
  },
  ledger_entries: {
    erasure: 'keep-pseudonymised',
    why: "lines on the viewer's supporter account: the account is renamed to the pseudonym's, every amount stays",
    exportRows: (db, s) =>
      onePage(
        db
          .selectFrom('ledger_entries')
          .selectAll()
          .where('account', '=', s.ledgerAccount)
          .orderBy('id')
          .execute(),
      ),
    erase: async (trx, t) =>
      changed(
        await trx
          .updateTable('ledger_entries')
          .set({ account: supporterAccount(t.pseudonym) })
          .where('account', '=', t.ledgerAccount)
          .execute(),
      ),
  },
  payout_accounts: {
    erasure: 'delete',
    why: 'where the viewer is paid (a provider account or a label): nothing needs it once the viewer is gone',
    exportRows: (db, s) =>
      onePage(
        db
          .selectFrom('payout_accounts')
          .selectAll()
          .where('payee_kind', '=', 'supporter')
          .where('payee_id', '=', s.viewerId)
          .execute(),
      ),
    erase: async (trx, t) =>
      changed(
        await trx
          .deleteFrom('payout_accounts')
          .where('payee_kind', '=', 'supporter')
          .where('payee_id', '=', t.viewerId)
          .execute(),
      ),
  },
  payouts: {
    erasure: 'keep-pseudonymised',
    why: "payouts to the viewer: amount, currency, status, dates, provider and its reference are kept (bookkeeping law); the destination and the provider's error text are emptied",
    exportRows: (db, s) =>
      onePage(
        db
          .selectFrom('payouts')
          .selectAll()
          .where('payee_kind', '=', 'supporter')
          .where('payee_id', '=', s.viewerId)
          .orderBy('created_at')
          .execute(),
      ),
    erase: async (trx, t) =>
      changed(
        await trx
          .updateTable('payouts')
          .set({
            payee_id: t.pseudonym,
            account: supporterAccount(t.pseudonym),
            destination: '',
            error: null,
            idempotency_key: sql<string>`replace(idempotency_key, ${t.viewerId}, ${t.pseudonym})`,
          })
          .where('payee_kind', '=', 'supporter')
          .where('payee_id', '=', t.viewerId)
          .execute(),
      ),
  },
};
