import { sql, type Transaction } from 'kysely';
import type { AppContext } from '../context.js';
import type { DB } from '../db/schema.js';
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
 * Whatever the number of uploaders, a batch is four statements: the insert, a lock of the
 * credited sessions, one grouped update of them and one multi-row upsert of their viewers.
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
    await lockSessions(trx, [...bySession.keys()]);
    await addCredits(trx, bySession, byViewer, now);
    const total = rows.reduce((sum, r) => sum + r.byte_length, 0);
    if (total > 0) ctx.metrics.creditedBytes.inc(total);
    return new Set(rows.map((r) => segmentKey(r.rendition, r.sequence)));
  });
}

/**
 * Locks the sessions about to be credited in id order, so concurrent batches cannot deadlock:
 * the grouped `UPDATE ... FROM (VALUES ...)` visits rows in whatever order its plan picks. The
 * lock is the one an UPDATE of a non-key column takes (`FOR NO KEY UPDATE`), which does not wait
 * for other batches' foreign-key checks. Taken after the insert, so the busiest rows are held
 * for the shortest time (locking first measured slower: the insert runs under the lock).
 */
async function lockSessions(trx: Transaction<DB>, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await trx
    .selectFrom('sessions')
    .select('id')
    .where('id', 'in', ids)
    .orderBy('id')
    .forNoKeyUpdate()
    .execute();
}

/**
 * One statement for both counters while the session locks are held: the sessions' bytes (rows
 * already locked, so the update waits for nobody) and a multi-row upsert of the viewers' ledger
 * rows, inserted, and so locked, in viewer id order. Each round trip under the locks lengthens
 * every other batch's wait for the same busy uploaders.
 */
async function addCredits(
  trx: Transaction<DB>,
  bySession: Map<string, number>,
  byViewer: Map<string, number>,
  now: Date,
): Promise<void> {
  if (bySession.size === 0) return;
  const sessions = sql.join(
    [...bySession].map(([id, bytes]) => sql`(${id}::text, ${bytes}::bigint)`),
  );
  const viewers = sql.join(
    [...byViewer]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([id, bytes]) => sql`(${id}::text, ${bytes}::bigint, ${now}::timestamptz)`),
  );
  await sql`with credited_sessions as (
      update sessions set credited_bytes = sessions.credited_bytes + v.bytes
      from (values ${sessions}) as v(id, bytes) where sessions.id = v.id
    )
    insert into supporter_credits (viewer_id, credited_bytes, last_credited_at)
    values ${viewers}
    on conflict (viewer_id) do update set
      credited_bytes = supporter_credits.credited_bytes + excluded.credited_bytes,
      last_credited_at = excluded.last_credited_at`.execute(trx);
}
