/**
 * Revenue recording: a `revenue_events` row and its ledger transaction (debit `cash`, credit
 * `revenue:<streamId>`), written in one database transaction. The event waits, with
 * `period_id` null, for the first period of its stream closed with an end after `occurred_at`.
 */
import type { RevenueEventResponse, RevenueKind } from '@streamrp2p/protocol/api-schemas';
import type { Kysely, Selectable } from 'kysely';
import type { DB, RevenueEventsTable } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { CASH, revenueAccount } from '../ledger/accounts.js';
import { postTransaction } from '../ledger/ledger.js';
import { uuid } from '../util/crypto.js';

/** How far ahead of the coordinator's clock `occurredAt` may be (clock skew). */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

export type RevenueEventRow = Selectable<RevenueEventsTable>;

/** A revenue recording, validated by shape (`RecordRevenueRequest`). */
export interface NewRevenue {
  streamId: string;
  streamerId: string;
  kind: RevenueKind;
  amountMicros: number;
  currency: string;
  /** Default `now`. */
  occurredAt?: Date;
  idempotencyKey?: string;
  note?: string;
}

/** What {@link recordRevenue} did. */
export interface RecordedRevenue {
  event: RevenueEventRow;
  /** False when the idempotency key was used before with the same body (nothing written). */
  created: boolean;
}

/** The ledger transaction's key of a revenue event. */
export const revenueTransactionKey = (eventId: string): string => `revenue:${eventId}`;

/** Whether a retried recording asks for what `existing` recorded (`occurredAt` if given). */
function sameRecording(existing: RevenueEventRow, input: NewRevenue): boolean {
  return (
    existing.kind === input.kind &&
    existing.amount_micros === input.amountMicros &&
    existing.currency === input.currency &&
    (existing.note ?? undefined) === input.note &&
    (input.occurredAt === undefined ||
      existing.occurred_at.getTime() === input.occurredAt.getTime())
  );
}

/**
 * Records `input` at `now` for a deployment in `currency`: 422 `CURRENCY_MISMATCH` for another
 * currency, 422 `IMPLAUSIBLE_TIME` for an `occurredAt` more than 5 min ahead, 409
 * `IDEMPOTENCY_CONFLICT` for a key used before with another body. Safe under concurrent retries:
 * the unique `(stream_id, idempotency_key)` lets one insert and the others read it.
 *
 * @example
 * const { event } = await recordRevenue(db, 'usd', { streamId, streamerId, kind: 'tip',
 *   amountMicros: 2_500_000, currency: 'usd' }, new Date());
 */
export async function recordRevenue(
  db: Kysely<DB>,
  currency: string,
  input: NewRevenue,
  now: Date,
): Promise<RecordedRevenue> {
  if (input.currency !== currency) {
    throw new ApiError(
      'CURRENCY_MISMATCH',
      `body.currency must be ${currency}, the deployment's currency; got ${input.currency}`,
    );
  }
  if (!Number.isSafeInteger(input.amountMicros) || input.amountMicros <= 0) {
    throw new ApiError('VALIDATION_ERROR', 'body.amountMicros must be a positive safe integer');
  }
  const occurredAt = input.occurredAt ?? now;
  if (occurredAt.getTime() > now.getTime() + MAX_FUTURE_SKEW_MS) {
    throw new ApiError('IMPLAUSIBLE_TIME', 'body.occurredAt is more than 5 minutes in the future');
  }
  return db.transaction().execute(async (trx) => {
    const id = uuid();
    const inserted = await trx
      .insertInto('revenue_events')
      .values({
        id,
        stream_id: input.streamId,
        streamer_id: input.streamerId,
        kind: input.kind,
        amount_micros: input.amountMicros,
        currency,
        occurred_at: occurredAt,
        recorded_at: now,
        idempotency_key: input.idempotencyKey ?? null,
        note: input.note ?? null,
        period_id: null,
      })
      .onConflict((oc) => oc.columns(['stream_id', 'idempotency_key']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted === undefined) {
      const existing = await trx
        .selectFrom('revenue_events')
        .selectAll()
        .where('stream_id', '=', input.streamId)
        .where('idempotency_key', '=', input.idempotencyKey ?? '')
        .executeTakeFirstOrThrow();
      if (!sameRecording(existing, input)) {
        throw new ApiError(
          'IDEMPOTENCY_CONFLICT',
          `idempotency key ${input.idempotencyKey} was used before with another body`,
        );
      }
      return { event: existing, created: false };
    }
    await postTransaction(
      trx,
      {
        kind: 'revenue',
        idempotencyKey: revenueTransactionKey(id),
        currency,
        postings: [
          { account: CASH, amountMicros: input.amountMicros },
          { account: revenueAccount(input.streamId), amountMicros: -input.amountMicros },
        ],
        memo: `${input.kind} revenue of stream ${input.streamId}`,
      },
      now,
    );
    return { event: inserted, created: true };
  });
}

/** A stream's events with `occurred_at` in `[from, to)`, oldest first (at most `limit`). */
export function listRevenue(
  db: Kysely<DB>,
  streamId: string,
  range: { from?: Date; to?: Date },
  limit = 1000,
): Promise<RevenueEventRow[]> {
  let query = db.selectFrom('revenue_events').selectAll().where('stream_id', '=', streamId);
  if (range.from !== undefined) query = query.where('occurred_at', '>=', range.from);
  if (range.to !== undefined) query = query.where('occurred_at', '<', range.to);
  return query.orderBy('occurred_at').orderBy('id').limit(limit).execute();
}

/** The API's view of an event. */
export function toRevenueResponse(row: RevenueEventRow): RevenueEventResponse {
  return {
    eventId: row.id,
    streamId: row.stream_id,
    kind: row.kind,
    amountMicros: row.amount_micros,
    currency: row.currency,
    occurredAt: row.occurred_at.toISOString(),
    recordedAt: row.recorded_at.toISOString(),
    idempotencyKey: row.idempotency_key,
    note: row.note,
    periodId: row.period_id,
  };
}
