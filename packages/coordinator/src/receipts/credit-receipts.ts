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
 * Inserts the receipts and credits the uploaders in one transaction. `ON CONFLICT DO NOTHING
 * RETURNING` yields exactly the rows this transaction inserted, so a receipt posted twice, even
 * concurrently, is credited once. Rows are written in a fixed order (segment, then session and
 * viewer ids) so concurrent batches on PostgreSQL lock in the same order and cannot deadlock.
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
  return ctx.db.transaction().execute(async (trx) => {
    const rows = await trx
      .insertInto('receipts')
      .values(
        sorted.map((c) => ({
          stream_id: receiver.stream_id,
          rendition: c.rendition,
          sequence: c.sequence,
          receiver_viewer_id: receiver.viewer_id,
          receiver_session_id: receiver.id,
          uploader_session_id: c.uploaderSessionId,
          uploader_viewer_id: c.uploaderViewerId,
          byte_length: c.byteLength,
          signed_at: c.signedAt,
          credited_at: now,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['receiver_viewer_id', 'stream_id', 'rendition', 'sequence']).doNothing(),
      )
      .returning([
        'rendition',
        'sequence',
        'uploader_session_id',
        'uploader_viewer_id',
        'byte_length',
      ])
      .execute();

    const bySession = new Map<string, number>();
    const byViewer = new Map<string, number>();
    for (const row of rows) {
      bySession.set(
        row.uploader_session_id,
        (bySession.get(row.uploader_session_id) ?? 0) + row.byte_length,
      );
      byViewer.set(
        row.uploader_viewer_id,
        (byViewer.get(row.uploader_viewer_id) ?? 0) + row.byte_length,
      );
    }
    for (const [sessionId, bytes] of [...bySession].sort(([a], [b]) => a.localeCompare(b))) {
      await trx
        .updateTable('sessions')
        .set((eb) => ({ credited_bytes: eb('credited_bytes', '+', bytes) }))
        .where('id', '=', sessionId)
        .execute();
    }
    for (const [viewerId, bytes] of [...byViewer].sort(([a], [b]) => a.localeCompare(b))) {
      await trx
        .insertInto('supporter_credits')
        .values({ viewer_id: viewerId, credited_bytes: bytes, last_credited_at: now })
        .onConflict((oc) =>
          oc.column('viewer_id').doUpdateSet((eb) => ({
            credited_bytes: eb(
              'supporter_credits.credited_bytes',
              '+',
              eb.ref('excluded.credited_bytes'),
            ),
            last_credited_at: eb.ref('excluded.last_credited_at'),
          })),
        )
        .execute();
    }
    const total = rows.reduce((sum, r) => sum + r.byte_length, 0);
    if (total > 0) ctx.metrics.creditedBytes.inc(total);
    return new Set(rows.map((r) => segmentKey(r.rendition, r.sequence)));
  });
}
