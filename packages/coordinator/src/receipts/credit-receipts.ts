import { sql } from 'kysely';
import type { AppContext } from '../context.js';
import type { SessionRow } from '../sessions/session-auth.js';
import { segmentKey } from './receipt-checks.js';

/** A receipt that passed every check, ready to be credited. */
export interface Credit {
  rendition: string;
  sequence: number;
  byteLength: number;
  signedAt: number;
  uploaderSessionId: string;
  uploaderViewerId: string;
  /** Most bytes the uploader session may have been credited in all (`uploaderLimit`). */
  uploaderLimit: number;
  /** The receiver's measure of the transfer, ms (`receipts.delivery_ms`), when it sent one. */
  deliveryMs: number | null;
}

/** The receiver's bound for this batch, and the window sum it came from (cached for later). */
export interface CreditBounds {
  receiverLimit: number;
  publishedBytes: number;
}

/** What became of a candidate: credited, already credited, or past a physical bound. */
export type CreditOutcome = 'credited' | 'duplicate' | 'RECEIVER_BOUND' | 'UPLOADER_BOUND';

/** Attempts at one batch's statement before its snapshot is allowed to be stale. */
const FRESH_ATTEMPTS = 4;

/**
 * Inserts the receipts and their uploaders' pending credits in one statement, so they commit or
 * vanish together. `ON CONFLICT DO NOTHING RETURNING` yields exactly the rows this statement
 * inserted, so a receipt posted twice, even concurrently, is credited once; the pending rows are
 * summed from those rows only. The per-uploader counters are not touched: they are the hot rows
 * every batch would queue on, and the credit roll-up (`credit-rollup.ts`) adds the pending rows
 * to them later. Receipts are inserted in segment order so two batches of one receiving viewer
 * claim the shared UNIQUE keys in the same order and cannot deadlock.
 *
 * The physical bounds (decision 23) are applied in the same statement. It first locks the
 * `credit_bounds` rows of the receiver and the uploaders (`FOR NO KEY UPDATE`, in id order, all
 * of them before any insert), so a concurrent batch naming one of them waits for this one to
 * commit; in READ COMMITTED a lock that waited returns the row's latest version, so the
 * counters it reads include every batch committed before. Receipts then pass in segment order
 * while the uploader's running total stays within `uploaderLimit` and the receiver's within
 * `receiverLimit`; receipts the receiving viewer already has are duplicates and count towards
 * neither. The counters grow by exactly the bytes inserted, in the same statement.
 *
 * The duplicates are read from the statement's snapshot, which predates a lock that waited: when
 * the receiver's counter moved meanwhile (another batch of the same session committed), the
 * statement writes nothing and runs again with a new snapshot. The last attempt goes ahead
 * anyway: a stale duplicate then counts towards a running total, which can refuse a receipt
 * near a bound, never over-credit.
 *
 * @returns each candidate's outcome by `rendition:sequence`
 */
export async function creditReceipts(
  ctx: AppContext,
  receiver: SessionRow,
  credits: Credit[],
  bounds: CreditBounds,
  now: Date,
): Promise<Map<string, CreditOutcome>> {
  if (credits.length === 0) return new Map();
  const sorted = [...credits].sort(
    (a, b) => a.rendition.localeCompare(b.rendition) || a.sequence - b.sequence,
  );
  for (let attempt = 1; ; attempt++) {
    const outcomes = await creditOnce(
      ctx,
      receiver,
      sorted,
      bounds,
      now,
      attempt === FRESH_ATTEMPTS,
    );
    if (outcomes !== undefined) return outcomes;
  }
}

/** One attempt; `undefined` when the snapshot was stale and nothing was written. */
async function creditOnce(
  ctx: AppContext,
  receiver: SessionRow,
  sorted: Credit[],
  bounds: CreditBounds,
  now: Date,
  lastAttempt: boolean,
): Promise<Map<string, CreditOutcome> | undefined> {
  const sessionIds = [...new Set([receiver.id, ...sorted.map((c) => c.uploaderSessionId)])].sort();
  // Columns as arrays (unnest): a dozen parameters and one short statement text whatever the
  // batch size, instead of a VALUES list of ten parameters per receipt to send, parse and plan.
  const { rows } = await sql<{
    rendition: string;
    sequence: number;
    byte_length: number;
    verdict: 'ok' | 'duplicate' | 'RECEIVER_BOUND' | 'UPLOADER_BOUND';
    inserted: boolean;
    fresh: boolean;
  }>`
    with locked as (
      select session_id, received_bytes, uploaded_bytes from credit_bounds
      where session_id = any(${sessionIds}::text[])
      order by session_id
      for no key update
    ), fresh as (
      select ${lastAttempt}::boolean or (
        (select received_bytes from locked where session_id = ${receiver.id})
        is not distinct from
        (select received_bytes from credit_bounds where session_id = ${receiver.id})
      ) as fresh
    ), batch as (
      -- The count is an init plan run before the first row: every lock is held before any
      -- receipt moves on to the insert.
      select r.*, (select count(*) from locked) as locked_rows, exists (
        select 1 from receipts x
        where x.receiver_viewer_id = ${receiver.viewer_id} and x.stream_id = ${receiver.stream_id}
          and x.rendition = r.rendition and x.sequence = r.sequence
      ) as known
      from unnest(
        ${sorted.map((c) => c.rendition)}::text[],
        ${sorted.map((c) => c.sequence)}::bigint[],
        ${sorted.map((c) => c.uploaderSessionId)}::text[],
        ${sorted.map((c) => c.uploaderViewerId)}::text[],
        ${sorted.map((c) => c.byteLength)}::bigint[],
        ${sorted.map((c) => c.signedAt)}::float8[],
        ${sorted.map((c) => c.uploaderLimit)}::float8[],
        ${sorted.map((c) => c.deliveryMs)}::int[]
      ) with ordinality as r(rendition, sequence, uploader_session_id, uploader_viewer_id,
        byte_length, signed_at, uploader_limit, delivery_ms, position)
    ), uploaded as (
      select b.*, coalesce(l.uploaded_bytes, 0)
        + sum(case when b.known then 0 else b.byte_length end)
          over (partition by b.uploader_session_id order by b.position) as uploaded_after
      from batch b left join locked l on l.session_id = b.uploader_session_id
    ), judged as (
      select u.*, case
        when u.known then 'duplicate'
        when u.uploaded_after > u.uploader_limit then 'UPLOADER_BOUND'
        when coalesce((select received_bytes from locked where session_id = ${receiver.id}), 0)
          + sum(case when u.known or u.uploaded_after > u.uploader_limit then 0
              else u.byte_length end) over (order by u.position)
          > ${bounds.receiverLimit}::float8 then 'RECEIVER_BOUND'
        else 'ok' end as verdict
      from uploaded u
    ), inserted as (
      insert into receipts (stream_id, rendition, sequence, receiver_viewer_id,
        receiver_session_id, uploader_session_id, uploader_viewer_id, byte_length, signed_at,
        credited_at, delivery_ms)
      select ${receiver.stream_id}, j.rendition, j.sequence, ${receiver.viewer_id},
        ${receiver.id}, j.uploader_session_id, j.uploader_viewer_id, j.byte_length, j.signed_at,
        ${now}::timestamptz, j.delivery_ms
      from judged j where j.verdict = 'ok' and (select fresh from fresh)
      order by j.position
      on conflict (receiver_viewer_id, stream_id, rendition, sequence) do nothing
      returning rendition, sequence, uploader_session_id, uploader_viewer_id, byte_length
    ), pending as (
      insert into pending_credits (session_id, viewer_id, bytes, receipts, credited_at)
      select uploader_session_id, uploader_viewer_id, sum(byte_length), count(*),
        ${now}::timestamptz
      from inserted group by uploader_session_id, uploader_viewer_id
    ), counted as (
      update credit_bounds b set
        received_bytes = b.received_bytes + case when b.session_id = ${receiver.id}
          then (select coalesce(sum(byte_length), 0) from inserted) else 0 end,
        uploaded_bytes = b.uploaded_bytes + (select coalesce(sum(i.byte_length), 0)
          from inserted i where i.uploader_session_id = b.session_id),
        first_uploaded_at = case when b.first_uploaded_at is null and exists (select 1
          from inserted i where i.uploader_session_id = b.session_id)
          then ${now}::timestamptz else b.first_uploaded_at end,
        published_bytes = case when b.session_id = ${receiver.id}
          then greatest(b.published_bytes, ${bounds.publishedBytes}::bigint)
          else b.published_bytes end
      where b.session_id = any(${sessionIds}::text[]) and exists (select 1 from inserted)
    )
    select j.rendition, j.sequence, j.byte_length, j.verdict, i.sequence is not null as inserted,
      (select fresh from fresh) as fresh
    from judged j
    left join inserted i on i.rendition = j.rendition and i.sequence = j.sequence`.execute(ctx.db);
  if (rows.length > 0 && !rows[0]!.fresh) return undefined;
  const outcomes = new Map<string, CreditOutcome>();
  let total = 0;
  for (const r of rows) {
    const key = segmentKey(r.rendition, Number(r.sequence));
    if (r.verdict === 'duplicate' || r.verdict === 'ok') {
      outcomes.set(key, r.inserted ? 'credited' : 'duplicate');
      if (r.inserted) total += Number(r.byte_length);
    } else outcomes.set(key, r.verdict);
  }
  if (total > 0) ctx.metrics.creditedBytes.inc(total);
  return outcomes;
}
