/**
 * Holds for review: reading them for the admin endpoints and recording a reviewer's decision.
 * A hold only ever changes status; its sessions, reasons and the credit it covers stay.
 */
import type { HoldReason, HoldResponse } from '@streamrp2p/protocol';
import type { Kysely, Selectable } from 'kysely';
import type { DB, TrustHoldsTable } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { sessionsCreditedBytes } from '../receipts/credit-reads.js';

/** What a reviewer may decide. */
export type HoldDecision = 'released' | 'voided';

/** Holds shown at most per `GET /api/admin/holds`. */
export const MAX_HOLDS_LISTED = 200;

async function toResponses(
  db: Kysely<DB>,
  holds: Array<Selectable<TrustHoldsTable>>,
): Promise<HoldResponse[]> {
  if (holds.length === 0) return [];
  const members = await db
    .selectFrom('trust_hold_sessions')
    .select(['hold_id', 'session_id', 'viewer_id'])
    .where(
      'hold_id',
      'in',
      holds.map((h) => h.id),
    )
    .orderBy('session_id')
    .execute();
  const bytes = await sessionsCreditedBytes(
    db,
    members.map((m) => m.session_id),
  );
  return holds.map((hold) => {
    const sessions = members.filter((m) => m.hold_id === hold.id);
    return {
      holdId: hold.id,
      streamId: hold.stream_id,
      status: hold.status,
      score: hold.score,
      reasons: JSON.parse(hold.reasons) as HoldReason[],
      sessions: sessions.map((m) => ({ sessionId: m.session_id, viewerId: m.viewer_id })),
      creditedBytes: sessions.reduce((sum, m) => sum + (bytes.get(m.session_id) ?? 0), 0),
      createdAt: hold.created_at.toISOString(),
      decidedAt: hold.decided_at === null ? null : hold.decided_at.toISOString(),
    };
  });
}

/** The newest holds, optionally of one status, with their sessions and credit. */
export async function listHolds(
  db: Kysely<DB>,
  status?: TrustHoldsTable['status'],
): Promise<HoldResponse[]> {
  let query = db.selectFrom('trust_holds').selectAll();
  if (status !== undefined) query = query.where('status', '=', status);
  const holds = await query
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(MAX_HOLDS_LISTED)
    .execute();
  return toResponses(db, holds);
}

/**
 * Records `decision` on a held group. Deciding the same again answers the hold as it is (a
 * retried request); the other decision on a decided hold is `409 HOLD_DECIDED`.
 */
export async function decideHold(
  db: Kysely<DB>,
  holdId: string,
  decision: HoldDecision,
  now: Date,
): Promise<HoldResponse> {
  const updated = await db
    .updateTable('trust_holds')
    .set({ status: decision, decided_at: now })
    .where('id', '=', holdId)
    .where('status', '=', 'held')
    .returningAll()
    .executeTakeFirst();
  const hold =
    updated ??
    (await db.selectFrom('trust_holds').selectAll().where('id', '=', holdId).executeTakeFirst());
  if (hold === undefined) throw new ApiError('HOLD_NOT_FOUND', `no hold ${holdId}`);
  if (hold.status !== decision) {
    throw new ApiError('HOLD_DECIDED', `hold ${holdId} was already ${hold.status}`);
  }
  const [response] = await toResponses(db, [hold]);
  return response!;
}
