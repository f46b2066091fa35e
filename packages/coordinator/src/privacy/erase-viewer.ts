/**
 * The right to be forgotten (decision 45): every table's rule (`table-rules.ts`) erases the
 * viewer in one transaction, under one random pseudonym per erasure, and `erasures` records it
 * by the SHA-256 of the viewer id. The erasure's own row is written first: on PostgreSQL its
 * row lock makes two erasures of one viewer run one after the other.
 */
import type { ErasureResponse } from '@streamrp2p/protocol/api-schemas';
import createDebug from 'debug';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { hashSecret, uuid } from '../util/crypto.js';
import { loadSubject } from './subject.js';
import { TABLE_RULES } from './table-rules.js';

const log = createDebug('streamrp2p:coordinator:privacy');

/** How `erasures` names a viewer id. */
export const erasureHash = (viewerId: string): string => hashSecret(`erasure:${viewerId}`);

/** When `viewerId` was first erased, or undefined if never. */
export async function erasedAt(db: Kysely<DB>, viewerId: string): Promise<Date | undefined> {
  const row = await db
    .selectFrom('erasures')
    .select('erased_at')
    .where('viewer_hash', '=', erasureHash(viewerId))
    .executeTakeFirst();
  return row?.erased_at;
}

/**
 * Erases `viewerId` across every table. A repeat that finds nothing left answers
 * `already_erased`; one that finds rows (a new viewer under the same id since) erases them too.
 */
export async function eraseViewer(
  db: Kysely<DB>,
  viewerId: string,
  requestedBy: 'viewer' | 'admin',
  now: Date,
): Promise<ErasureResponse> {
  return db.transaction().execute(async (trx) => {
    const record = await trx
      .insertInto('erasures')
      .values({
        viewer_hash: erasureHash(viewerId),
        requested_by: requestedBy,
        rows: 0,
        erased_at: now,
        last_requested_at: now,
      })
      .onConflict((oc) =>
        oc.column('viewer_hash').doUpdateSet({
          requests: sql<number>`erasures.requests + 1`,
          last_requested_at: now,
        }),
      )
      .returning(['erased_at', 'requests'])
      .executeTakeFirstOrThrow();
    const target = { ...(await loadSubject(trx, viewerId)), pseudonym: `erased-${uuid()}`, now };
    let rows = 0;
    for (const rule of Object.values(TABLE_RULES)) {
      if (rule.erase !== undefined) rows += await rule.erase(trx, target);
    }
    const repeat = record.requests > 1;
    if (!repeat) {
      await trx
        .updateTable('erasures')
        .set({ rows })
        .where('viewer_hash', '=', erasureHash(viewerId))
        .execute();
    }
    log('erased a viewer (%s request): %d rows', requestedBy, rows);
    return {
      status: repeat && rows === 0 ? 'already_erased' : 'erased',
      rows,
      erasedAt: record.erased_at.toISOString(),
    };
  });
}
