/**
 * What the per-receipt checks need from the database, for a whole batch in one statement: the
 * indexed roots of the segments named and the sessions of the uploaders named. Each half is
 * aggregated to JSON so both come back in one row; one round trip instead of two matters
 * because a batch's database time is mostly round trips (see the load test's phase table).
 */
import { sql } from 'kysely';
import type { AppContext } from '../context.js';
import { isLive } from '../sessions/session-auth.js';
import { segmentKey, type SessionFacts } from './receipt-checks.js';
import type { ParsedReceipt } from './parse-receipt.js';

/** Indexed segments by `rendition:sequence`, and uploader sessions by peer id. */
export interface BatchLookups {
  roots: Map<string, { root: string; byteLength: number }>;
  uploaders: Map<string, SessionFacts>;
}

type RootJson = [rendition: string, sequence: number, root: string, byteLength: number];
type UploaderJson = [
  id: string,
  peerId: string,
  streamId: string,
  viewerId: string,
  ip: string,
  createdAt: string,
  lastSeenAt: string,
  endedAt: string | null,
];

/** Looks up the roots (in `streamId`) and uploader sessions the receipts refer to. */
export async function lookupBatch(
  ctx: AppContext,
  streamId: string,
  receipts: ReadonlyArray<ParsedReceipt>,
): Promise<BatchLookups> {
  const found: BatchLookups = { roots: new Map(), uploaders: new Map() };
  if (receipts.length === 0) return found;
  const segments = new Map<string, ParsedReceipt>();
  for (const r of receipts) segments.set(segmentKey(r.rendition, r.sequence), r);
  const keys = [...segments.values()];
  const peerIds = [...new Set(receipts.map((r) => r.uploaderPeerId))];
  const { rows } = await sql<{ roots: RootJson[]; uploaders: UploaderJson[] }>`
    select
      coalesce((
        select json_agg(json_build_array(s.rendition, s.sequence, s.root, s.byte_length))
        from unnest(${keys.map((k) => k.rendition)}::text[], ${keys.map((k) => k.sequence)}::bigint[])
          as k(rendition, sequence)
        join segment_roots s
          on s.stream_id = ${streamId} and s.rendition = k.rendition and s.sequence = k.sequence
      ), '[]') as roots,
      coalesce((
        select json_agg(json_build_array(id, peer_id, stream_id, viewer_id, ip, created_at,
          last_seen_at, ended_at))
        from sessions where peer_id = any(${peerIds}::text[])
      ), '[]') as uploaders`.execute(ctx.db);
  const row = rows[0]!;
  for (const [rendition, sequence, root, byteLength] of row.roots)
    found.roots.set(segmentKey(rendition, sequence), { root, byteLength });
  for (const [
    id,
    peerId,
    sessionStream,
    viewerId,
    ip,
    createdAt,
    lastSeenAt,
    endedAt,
  ] of row.uploaders) {
    const session = {
      ended_at: endedAt === null ? null : new Date(endedAt),
      last_seen_at: new Date(lastSeenAt),
    };
    found.uploaders.set(peerId, {
      id,
      streamId: sessionStream,
      viewerId,
      ip,
      createdAt: new Date(createdAt).getTime(),
      live: isLive(ctx, session),
    });
  }
  return found;
}
