/**
 * Exact credit figures at any moment: the rolled-up counter plus what is still pending. Each is
 * one statement, so it reads the counter and the pending rows in one snapshot: a roll-up that
 * commits in between cannot make a byte count twice (moved to the counter, still pending) or not
 * at all (deleted from pending, counter read before).
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/** Bytes credited to the uploader session `sessionId` (0 for an unknown session). */
export async function sessionCreditedBytes(db: Kysely<DB>, sessionId: string): Promise<number> {
  const { rows } = await sql<{ bytes: number }>`
    select (
      coalesce((select credited_bytes from sessions where id = ${sessionId}), 0)
      + coalesce((select sum(bytes) from pending_credits where session_id = ${sessionId}), 0)
    )::bigint as bytes`.execute(db);
  return rows[0]?.bytes ?? 0;
}

/** Bytes credited to all sessions of the viewer `viewerId` (its `supporter_credits` ledger). */
export async function viewerCreditedBytes(db: Kysely<DB>, viewerId: string): Promise<number> {
  const { rows } = await sql<{ bytes: number }>`
    select (
      coalesce((select credited_bytes from supporter_credits where viewer_id = ${viewerId}), 0)
      + coalesce((select sum(bytes) from pending_credits where viewer_id = ${viewerId}), 0)
    )::bigint as bytes`.execute(db);
  return rows[0]?.bytes ?? 0;
}

/** Whether a session of the viewer was credited at or after `since` (rolled up or pending). */
export async function creditedSince(
  db: Kysely<DB>,
  viewerId: string,
  since: Date,
): Promise<boolean> {
  const { rows } = await sql<{ credited: boolean }>`
    select exists (
      select 1 from supporter_credits where viewer_id = ${viewerId} and last_credited_at >= ${since}
    ) or exists (
      select 1 from pending_credits where viewer_id = ${viewerId} and credited_at >= ${since}
    ) as credited`.execute(db);
  return rows[0]?.credited === true;
}
