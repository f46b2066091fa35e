/** Reads one window of the receipt graph and what the collusion signals need besides it. */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import {
  COLLUSION_RULES,
  type Edge,
  type GraphFacts,
  type SessionFacts,
} from './collusion-signals.js';

/** The window's graph, plus the uploaders already in a hold (never judged again). */
export interface WindowFacts extends GraphFacts {
  alreadyHeld: ReadonlySet<string>;
}

/** The receipts credited in `[since, now]`, as edges and the facts of their sessions. */
export async function readWindowFacts(
  db: Kysely<DB> | Transaction<DB>,
  since: Date,
  now: Date,
): Promise<WindowFacts> {
  const { rows: edgeRows } = await sql<{ uploader: string; receiver: string; bytes: number }>`
    select uploader_session_id as uploader, receiver_session_id as receiver,
      sum(byte_length)::bigint as bytes
    from receipts where credited_at >= ${since} and credited_at <= ${now}
    group by uploader_session_id, receiver_session_id`.execute(db);
  const edges: Edge[] = edgeRows.map((r) => ({ ...r, bytes: Number(r.bytes) }));
  const ids = [...new Set(edges.flatMap((e) => [e.uploader, e.receiver]))];
  const uploaders = [...new Set(edges.map((e) => e.uploader))];
  if (ids.length === 0) {
    return {
      edges,
      sessions: new Map(),
      sharedKeys: new Set(),
      networkCreations: new Map(),
      timing: new Map(),
      alreadyHeld: new Set(),
    };
  }

  const { rows: sessionRows } = await sql<{
    id: string;
    viewer_id: string;
    stream_id: string;
    network_key: string;
    public_key: string;
    created_at: Date;
    played: boolean;
  }>`
    select s.id, s.viewer_id, s.stream_id, s.network_key, s.public_key, s.created_at,
      (s.watch_ms > 0 or coalesce(b.watched_until >= s.created_at, false)) as played
    from sessions s left join point_balances b on b.viewer_id = s.viewer_id
    where s.id = any(${ids}::text[])`.execute(db);
  const sessions = new Map<string, SessionFacts>(
    sessionRows.map((s) => [
      s.id,
      {
        id: s.id,
        viewerId: s.viewer_id,
        streamId: s.stream_id,
        networkKey: s.network_key,
        publicKey: s.public_key,
        createdAtMs: new Date(s.created_at).getTime(),
        played: s.played,
      },
    ]),
  );
  const uploaderFacts = uploaders.flatMap((id) => sessions.get(id) ?? []);

  // Arrays, not IN lists: a busy window has more uploaders than a statement has parameters.
  const { rows: held } = await sql<{ session_id: string }>`
    select session_id from trust_hold_sessions
    where session_id = any(${uploaders}::text[])`.execute(db);

  const keys = [...new Set(uploaderFacts.map((s) => s.publicKey))];
  const { rows: keyRows } = await sql<{ public_key: string }>`
    select public_key from sessions where public_key = any(${keys}::text[])
    group by public_key having count(*) > 1`.execute(db);

  const networks = [...new Set(uploaderFacts.map((s) => s.networkKey))];
  const earliest = Math.min(...uploaderFacts.map((s) => s.createdAtMs));
  const { rows: creationRows } = await sql<{ network_key: string; created_at: Date }>`
    select network_key, created_at from sessions
    where network_key = any(${networks}::text[])
      and created_at >= ${new Date(earliest - COLLUSION_RULES.burstWindowMs)}
    order by created_at`.execute(db);
  const networkCreations = new Map<string, number[]>();
  for (const row of creationRows) {
    const list = networkCreations.get(row.network_key) ?? [];
    list.push(new Date(row.created_at).getTime());
    networkCreations.set(row.network_key, list);
  }

  const { rows: timingRows } = await sql<{ uploader: string; receipts: number; shared: number }>`
    with w as (
      select stream_id, uploader_session_id, receiver_session_id, signed_at from receipts
      where credited_at >= ${since} and credited_at <= ${now}
    ), shared as (
      select stream_id, signed_at from w group by stream_id, signed_at
      having count(distinct receiver_session_id) > 1
    )
    select w.uploader_session_id as uploader, count(*)::int as receipts,
      count(shared.signed_at)::int as shared
    from w left join shared using (stream_id, signed_at)
    group by w.uploader_session_id`.execute(db);

  return {
    edges,
    sessions,
    sharedKeys: new Set(keyRows.map((r) => r.public_key)),
    networkCreations,
    timing: new Map(
      timingRows.map((r) => [r.uploader, { receipts: r.receipts, shared: r.shared }]),
    ),
    alreadyHeld: new Set(held.map((h) => h.session_id)),
  };
}
