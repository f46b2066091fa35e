/**
 * What the per-receipt checks need from the database, for a whole batch in one statement: the
 * indexed roots of the segments named, the sessions of the uploaders named (with how many live
 * sessions of their address uploaded in the stream before them), and the bytes the stream's
 * largest rendition published in the receiver's window (decision 23). Each part is aggregated
 * to JSON so all come back in one row; one round trip instead of several matters because a
 * batch's database time is mostly round trips (see the load test's phase table). The same
 * statement creates the `credit_bounds` rows the insert will lock, for sessions new to them.
 */
import { sql } from 'kysely';
import type { AppContext } from '../context.js';
import { isLive } from '../sessions/session-auth.js';
import { nowDate } from '../util/clock.js';
import { segmentKey, type SessionFacts } from './receipt-checks.js';
import type { ParsedReceipt } from './parse-receipt.js';

/** Indexed segments by `rendition:sequence`, and uploader sessions by peer id. */
export interface BatchLookups {
  roots: Map<string, { root: string; byteLength: number; indexedAt: number }>;
  uploaders: Map<string, SessionFacts>;
  /** By uploader session id: live sessions of its address credited as uploaders before it. */
  uploadersBefore: Map<string, number>;
  /**
   * Bytes of the rendition that published the most since `since` (0 for an empty batch), or a
   * figure cached by an earlier batch (a lower bound) when this batch fits under it.
   */
  publishedBytes: number;
}

/** The receiver's side of the lookup. */
export interface ReceiverWindow {
  sessionId: string;
  streamId: string;
  /** Start of the receiver's window, ms (`publishedSince`). */
  since: number;
  /** `receiverBoundSlack`: the cached window sum is used while the batch fits under it. */
  slack: number;
}

type RootJson = [
  rendition: string,
  sequence: number,
  root: string,
  byteLength: number,
  indexedAt: number,
];
type UploaderJson = [
  id: string,
  peerId: string,
  streamId: string,
  viewerId: string,
  ip: string,
  createdAt: string,
  lastSeenAt: string,
  endedAt: string | null,
  uploadersBefore: number,
];

/** Looks up the roots (in the receiver's stream) and uploader sessions the receipts refer to. */
export async function lookupBatch(
  ctx: AppContext,
  receiver: ReceiverWindow,
  receipts: ReadonlyArray<ParsedReceipt>,
): Promise<BatchLookups> {
  const { streamId } = receiver;
  const found: BatchLookups = {
    roots: new Map(),
    uploaders: new Map(),
    uploadersBefore: new Map(),
    publishedBytes: 0,
  };
  if (receipts.length === 0) return found;
  const liveSince = nowDate(ctx.clock, -ctx.config.sessionTtlSeconds * 1000);
  const segments = new Map<string, ParsedReceipt>();
  for (const r of receipts) segments.set(segmentKey(r.rendition, r.sequence), r);
  const keys = [...segments.values()];
  const peerIds = [...new Set(receipts.map((r) => r.uploaderPeerId))];
  const batchBytes = keys.reduce((sum, r) => sum + r.byteLength, 0);
  const { rows } = await sql<{
    roots: RootJson[];
    uploaders: UploaderJson[];
    published: number;
  }>`
    with ensured as (
      insert into credit_bounds (session_id, stream_id, address_key)
      select id, stream_id, address_key from sessions
      where id = ${receiver.sessionId}
        or (peer_id = any(${peerIds}::text[]) and stream_id = ${streamId})
      on conflict (session_id) do nothing
    )
    select
      coalesce((
        select json_agg(json_build_array(s.rendition, s.sequence, s.root, s.byte_length,
          extract(epoch from s.indexed_at) * 1000))
        from unnest(${keys.map((k) => k.rendition)}::text[], ${keys.map((k) => k.sequence)}::bigint[])
          as k(rendition, sequence)
        join segment_roots s
          on s.stream_id = ${streamId} and s.rendition = k.rendition and s.sequence = k.sequence
      ), '[]') as roots,
      coalesce((
        select json_agg(json_build_array(u.id, u.peer_id, u.stream_id, u.viewer_id, u.ip,
          u.created_at, u.last_seen_at, u.ended_at, (
            -- Live sessions of the same address in the stream first credited as uploaders
            -- before this one (ties by id); all of them when it has not uploaded yet.
            select count(*) from credit_bounds o
            join sessions os on os.id = o.session_id
            where o.stream_id = u.stream_id and o.address_key = u.address_key
              and o.first_uploaded_at is not null and o.session_id <> u.id
              and (ub.first_uploaded_at is null
                or (o.first_uploaded_at, o.session_id) < (ub.first_uploaded_at, u.id))
              and os.ended_at is null and os.last_seen_at >= ${liveSince}
          )))
        from sessions u left join credit_bounds ub on ub.session_id = u.id
        where u.peer_id = any(${peerIds}::text[])
      ), '[]') as uploaders,
      coalesce((
        -- The sum only grows: while the cached figure covers this batch, skip the range scan.
        select cb.published_bytes::float8 from credit_bounds cb
        where cb.session_id = ${receiver.sessionId}
          and cb.published_bytes * ${receiver.slack}::float8 >= cb.received_bytes + ${batchBytes}
      ), (
        select coalesce(max(w.bytes), 0)::float8 from (
          select sum(byte_length) as bytes from segment_roots
          where stream_id = ${streamId} and indexed_at >= ${new Date(receiver.since)}
          group by rendition
        ) w
      )) as published`.execute(ctx.db);
  const row = rows[0]!;
  for (const [rendition, sequence, root, byteLength, indexedAt] of row.roots)
    found.roots.set(segmentKey(rendition, sequence), { root, byteLength, indexedAt });
  found.publishedBytes = Number(row.published);
  for (const [
    id,
    peerId,
    sessionStream,
    viewerId,
    ip,
    createdAt,
    lastSeenAt,
    endedAt,
    uploadersBefore,
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
    if (uploadersBefore > 0) found.uploadersBefore.set(id, uploadersBefore);
  }
  return found;
}
