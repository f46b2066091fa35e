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

/**
 * Whether a session of the viewer was credited at or after `since` (its receipts, whether rolled
 * up or pending). Credit frozen by a hold (held or voided, `trust/`) does not count: a session
 * held for review earns no supporter status.
 */
export async function creditedSince(
  db: Kysely<DB>,
  viewerId: string,
  since: Date,
): Promise<boolean> {
  const { rows } = await sql<{ credited: boolean }>`
    select exists (
      select 1 from sessions s
      where s.viewer_id = ${viewerId}
        and exists (
          select 1 from receipts r where r.uploader_session_id = s.id and r.credited_at >= ${since}
        )
        and not exists (
          select 1 from trust_hold_sessions hs join trust_holds h on h.id = hs.hold_id
          where hs.session_id = s.id and h.status <> 'released'
        )
    ) as credited`.execute(db);
  return rows[0]?.credited === true;
}

/** A viewer's credit split by hold status (`trust/`), from one snapshot. */
export interface CreditBreakdown {
  /** All its credit, as {@link viewerCreditedBytes}. */
  credited: number;
  /** Credit of its sessions in a hold awaiting review. */
  held: number;
  /** Credit of its sessions in a voided hold. */
  voided: number;
}

/**
 * The credit of `viewerId` and the parts of it frozen by holds, in one statement (one snapshot),
 * each session's share being its counter plus its pending rows. Nothing here changes the ledger:
 * payable credit is a view over it.
 */
export async function viewerCreditBreakdown(
  db: Kysely<DB>,
  viewerId: string,
): Promise<CreditBreakdown> {
  const { rows } = await sql<CreditBreakdown>`
    with frozen as (
      select h.status, s.credited_bytes
        + coalesce((select sum(p.bytes) from pending_credits p where p.session_id = s.id), 0)
        as bytes
      from trust_hold_sessions hs
      join trust_holds h on h.id = hs.hold_id
      join sessions s on s.id = hs.session_id
      where hs.viewer_id = ${viewerId} and h.status in ('held', 'voided')
    )
    select
      (coalesce((select credited_bytes from supporter_credits where viewer_id = ${viewerId}), 0)
        + coalesce((select sum(bytes) from pending_credits where viewer_id = ${viewerId}), 0)
      )::bigint as credited,
      coalesce((select sum(bytes) from frozen where status = 'held'), 0)::bigint as held,
      coalesce((select sum(bytes) from frozen where status = 'voided'), 0)::bigint as voided`.execute(
    db,
  );
  return rows[0] ?? { credited: 0, held: 0, voided: 0 };
}

/** Bytes credited to each of `sessionIds` (counter plus pending), from one snapshot. */
export async function sessionsCreditedBytes(
  db: Kysely<DB>,
  sessionIds: readonly string[],
): Promise<Map<string, number>> {
  if (sessionIds.length === 0) return new Map();
  const { rows } = await sql<{ id: string; bytes: number }>`
    select s.id, (s.credited_bytes
      + coalesce((select sum(p.bytes) from pending_credits p where p.session_id = s.id), 0)
    )::bigint as bytes
    from sessions s where s.id = any(${[...sessionIds]}::text[])`.execute(db);
  return new Map(rows.map((r) => [r.id, r.bytes]));
}
