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
}

/**
 * Inserts the receipts and their uploaders' pending credits in one statement, so they commit or
 * vanish together. `ON CONFLICT DO NOTHING RETURNING` yields exactly the rows this statement
 * inserted, so a receipt posted twice, even concurrently, is credited once; the pending rows are
 * summed from those rows only. The per-uploader counters are not touched: they are the hot rows
 * every batch would queue on, and the credit roll-up (`credit-rollup.ts`) adds the pending rows
 * to them later. Receipts are inserted in segment order so two batches of one receiving viewer
 * claim the shared UNIQUE keys in the same order and cannot deadlock.
 *
 * @returns the `rendition:sequence` keys that were credited now
 */
export async function creditReceipts(
  ctx: AppContext,
  receiver: SessionRow,
  credits: Credit[],
  now: Date,
): Promise<Set<string>> {
  if (credits.length === 0) return new Set();
  const sorted = [...credits].sort(
    (a, b) => a.rendition.localeCompare(b.rendition) || a.sequence - b.sequence,
  );
  // Columns as arrays (unnest): ten parameters and one short statement text whatever the batch
  // size, instead of a VALUES list of ten parameters per receipt to send, parse and plan.
  const { rows } = await sql<{ rendition: string; sequence: number; byte_length: number }>`
    with inserted as (
      insert into receipts (stream_id, rendition, sequence, receiver_viewer_id,
        receiver_session_id, uploader_session_id, uploader_viewer_id, byte_length, signed_at,
        credited_at)
      select ${receiver.stream_id}, r.rendition, r.sequence, ${receiver.viewer_id},
        ${receiver.id}, r.uploader_session_id, r.uploader_viewer_id, r.byte_length, r.signed_at,
        ${now}::timestamptz
      from unnest(
        ${sorted.map((c) => c.rendition)}::text[],
        ${sorted.map((c) => c.sequence)}::bigint[],
        ${sorted.map((c) => c.uploaderSessionId)}::text[],
        ${sorted.map((c) => c.uploaderViewerId)}::text[],
        ${sorted.map((c) => c.byteLength)}::bigint[],
        ${sorted.map((c) => c.signedAt)}::float8[]
      ) with ordinality as r(rendition, sequence, uploader_session_id, uploader_viewer_id,
        byte_length, signed_at, position)
      order by r.position
      on conflict (receiver_viewer_id, stream_id, rendition, sequence) do nothing
      returning rendition, sequence, uploader_session_id, uploader_viewer_id, byte_length
    ), pending as (
      insert into pending_credits (session_id, viewer_id, bytes, receipts, credited_at)
      select uploader_session_id, uploader_viewer_id, sum(byte_length), count(*),
        ${now}::timestamptz
      from inserted group by uploader_session_id, uploader_viewer_id
    )
    select rendition, sequence, byte_length from inserted`.execute(ctx.db);
  const total = rows.reduce((sum, r) => sum + r.byte_length, 0);
  if (total > 0) ctx.metrics.creditedBytes.inc(total);
  return new Set(rows.map((r) => segmentKey(r.rendition, r.sequence)));
}
