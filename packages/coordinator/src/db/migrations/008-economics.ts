import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Money (issue 11, decisions 30-33): revenue, periods, the double-entry ledger and payouts.
 * Every amount is an integer of micro-units (`bigint`) of the deployment's one currency.
 *
 * - `revenue_events`: revenue a streamer (or the platform) recorded for a stream. A row enters
 *   the first period closed after it was recorded whose end is after `occurred_at`; `period_id`
 *   says which, so a row is counted once. `(stream_id, idempotency_key)` makes a retried
 *   recording a no-op.
 * - `periods`: one closed settlement of a stream, `[starts_at, ends_at)`, with the figures of its
 *   revenue split. `(stream_id, ends_at)` is unique: closing the same period twice, also
 *   concurrently, writes one row.
 * - `period_supporters`: each supporter's line of a period: the payable bytes and chunks it
 *   delivered, its reputation and parts, its earnings weight and the amount it was paid.
 * - `receipts.delivery_ms`: how long the receiver says the delivery took (request to last byte),
 *   the latency part of reputation; null from SDKs that do not report it.
 * - `settlement_marks`: per uploader session, the end through which its receipts are settled
 *   (`settled_through`; a period settles a session's receipts credited in [its mark, the
 *   period's end)). A close writes a mark for every session with receipts in its range: the
 *   period's end for a payable one, the period's start (or its older mark, unchanged) for one
 *   held for review or below the payable reputation, whose receipts enter a later period once
 *   payable (read back through `receipts_uploader_idx`); a voided session's never do. Marks
 *   instead of a period id on each receipt: a close writes one row per session, not a million
 *   receipt updates (decision 31). With `receipts_stream_credited_idx`, a close reads its range
 *   of a stream's receipts in credit order.
 * - `ledger_transactions` / `ledger_entries`: the ledger. Entries are only ever inserted; each
 *   transaction's amounts sum to 0 (debits positive, credits negative); `idempotency_key` is
 *   unique, so posting the same business event twice posts it once.
 * - `payouts`: one attempt to pay an account's balance through a provider, with its own
 *   idempotency key (sent to the provider); `payout_accounts`: where a payee is paid.
 */
export const economicsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('revenue_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('stream_id', 'text', (c) => c.notNull())
      .addColumn('streamer_id', 'text', (c) => c.notNull())
      // 'tip' | 'subscription' | 'ads' | 'other'
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('amount_micros', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
      .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
      .addColumn('idempotency_key', 'text')
      .addColumn('note', 'text')
      .addColumn('period_id', 'text')
      .addUniqueConstraint('revenue_events_idempotency_key', ['stream_id', 'idempotency_key'])
      .execute();
    await db.schema
      .createIndex('revenue_events_open_idx')
      .on('revenue_events')
      .columns(['stream_id', 'occurred_at'])
      .where(sql.ref('period_id'), 'is', null)
      .execute();
    await db.schema
      .createIndex('revenue_events_period_idx')
      .on('revenue_events')
      .column('period_id')
      .execute();

    await db.schema
      .createTable('periods')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('stream_id', 'text', (c) => c.notNull())
      .addColumn('streamer_id', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
      .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
      .addColumn('closed_at', 'timestamptz', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('revenue_micros', 'bigint', (c) => c.notNull())
      .addColumn('platform_fee_micros', 'bigint', (c) => c.notNull())
      .addColumn('cdn_saved_micros', 'bigint', (c) => c.notNull())
      .addColumn('rebate_micros', 'bigint', (c) => c.notNull())
      // What the split's formula asked for, and what was paid (the smaller of it, what the
      // revenue can pay, and what the supporters earned).
      .addColumn('pool_formula_micros', 'bigint', (c) => c.notNull())
      .addColumn('pool_micros', 'bigint', (c) => c.notNull())
      .addColumn('streamer_micros', 'bigint', (c) => c.notNull())
      .addColumn('p2p_bytes', 'bigint', (c) => c.notNull())
      .addColumn('payable_chunks', 'bigint', (c) => c.notNull())
      .addColumn('supporters', 'integer', (c) => c.notNull())
      // JSON: the policy (rates, shares, caps) the period was closed with.
      .addColumn('policy', 'text', (c) => c.notNull())
      .addUniqueConstraint('periods_stream_end', ['stream_id', 'ends_at'])
      .execute();
    await db.schema
      .createIndex('periods_streamer_idx')
      .on('periods')
      .columns(['streamer_id', 'ends_at'])
      .execute();

    await db.schema
      .createTable('period_supporters')
      .addColumn('period_id', 'text', (c) => c.notNull())
      .addColumn('viewer_id', 'text', (c) => c.notNull())
      .addColumn('bytes', 'bigint', (c) => c.notNull())
      .addColumn('chunks', 'bigint', (c) => c.notNull())
      .addColumn('receipts', 'integer', (c) => c.notNull())
      .addColumn('reputation', 'float8', (c) => c.notNull())
      // JSON: the reputation parts.
      .addColumn('parts', 'text', (c) => c.notNull())
      .addColumn('base_micros', 'bigint', (c) => c.notNull())
      .addColumn('uptime_bonus', 'float8', (c) => c.notNull())
      .addColumn('qos_multiplier', 'float8', (c) => c.notNull())
      .addColumn('cap_micros', 'bigint', (c) => c.notNull())
      .addColumn('earnings_micros', 'bigint', (c) => c.notNull())
      .addColumn('amount_micros', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('period_supporters_pk', ['period_id', 'viewer_id'])
      .execute();
    await db.schema
      .createIndex('period_supporters_viewer_idx')
      .on('period_supporters')
      .columns(['viewer_id', 'period_id'])
      .execute();

    await db.schema.alterTable('receipts').addColumn('delivery_ms', 'integer').execute();
    await db.schema
      .createIndex('receipts_stream_credited_idx')
      .on('receipts')
      .columns(['stream_id', 'credited_at'])
      .execute();
    await db.schema
      .createTable('settlement_marks')
      .addColumn('session_id', 'text', (c) => c.primaryKey())
      .addColumn('stream_id', 'text', (c) => c.notNull())
      .addColumn('viewer_id', 'text', (c) => c.notNull())
      .addColumn('settled_through', 'timestamptz', (c) => c.notNull())
      // The period that last moved the mark; null while it never settled.
      .addColumn('period_id', 'text')
      .execute();
    await db.schema
      .createIndex('settlement_marks_stream_idx')
      .on('settlement_marks')
      .columns(['stream_id', 'settled_through'])
      .execute();

    await db.schema
      .createTable('ledger_transactions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // 'revenue' | 'period_close' | 'payout' | 'payout_settled' | 'payout_failed' | 'correction'
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
      .addColumn('period_id', 'text')
      .addColumn('payout_id', 'text')
      .addColumn('memo', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('ledger_entries')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('transaction_id', 'text', (c) => c.notNull())
      // `ledger/accounts.ts`: e.g. 'cash', 'revenue:<streamId>', 'supporter:<viewerId>'.
      .addColumn('account', 'text', (c) => c.notNull())
      // Debit positive, credit negative.
      .addColumn('amount_micros', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('ledger_entries_account_idx')
      .on('ledger_entries')
      .columns(['account', 'created_at'])
      .execute();
    await db.schema
      .createIndex('ledger_entries_transaction_idx')
      .on('ledger_entries')
      .column('transaction_id')
      .execute();

    await db.schema
      .createTable('payout_accounts')
      // 'supporter' (a viewer id) | 'streamer'
      .addColumn('payee_kind', 'text', (c) => c.notNull())
      .addColumn('payee_id', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      // Provider-specific: a Stripe connected account id, or a label for payout files.
      .addColumn('destination', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('payout_accounts_pk', ['payee_kind', 'payee_id', 'provider'])
      .execute();
    await db.schema
      .createTable('payouts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('payee_kind', 'text', (c) => c.notNull())
      .addColumn('payee_id', 'text', (c) => c.notNull())
      .addColumn('account', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('destination', 'text', (c) => c.notNull())
      .addColumn('amount_micros', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      // 'pending' (posted to in-flight, not yet confirmed) | 'paid' | 'failed'
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
      .addColumn('provider_ref', 'text')
      .addColumn('error', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('payouts_payee_idx')
      .on('payouts')
      .columns(['payee_kind', 'payee_id', 'created_at'])
      .execute();
  },
};
