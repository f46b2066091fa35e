/**
 * The `community_events` table: what was produced, once. An event is inserted before it is
 * emitted; `key` is unique and the insert skips a key that exists, so of two coordinator runs
 * that find the same fact (two processes on one database, or two runs of one) exactly one gets
 * the row back, and only that one emits it.
 */
import type { Kysely, Selectable } from 'kysely';
import type { CommunityEventsTable, DB } from '../db/schema.js';
import { uuid } from '../util/crypto.js';
import type { CommunityEvent, CommunityEventKind, CommunityEvents } from './community-events.js';

/** An event to record: `key` says what fact it is, so the same fact is never recorded twice. */
export interface NewCommunityEvent {
  key: string;
  kind: CommunityEventKind;
  streamId: string;
  streamerId: string;
  text: string;
  data: CommunityEvent['data'];
}

/** A stored row as the bus carries it. */
export function toCommunityEvent(row: Selectable<CommunityEventsTable>): CommunityEvent {
  return {
    id: row.id,
    kind: row.kind,
    streamId: row.stream_id,
    streamerId: row.streamer_id,
    text: row.text,
    at: row.created_at.toISOString(),
    data: JSON.parse(row.data) as CommunityEvent['data'],
  };
}

/**
 * Inserts the events whose key is new, in one statement, and returns those this call inserted
 * (committed, unless `db` is a transaction: then emit after it commits).
 */
export async function recordEvents(
  db: Kysely<DB>,
  events: readonly NewCommunityEvent[],
  now: Date,
): Promise<CommunityEvent[]> {
  if (events.length === 0) return [];
  const rows = await db
    .insertInto('community_events')
    .values(
      events.map((e) => ({
        id: uuid(),
        key: e.key,
        kind: e.kind,
        stream_id: e.streamId,
        streamer_id: e.streamerId,
        text: e.text,
        data: JSON.stringify(e.data),
        created_at: now,
      })),
    )
    .onConflict((oc) => oc.column('key').doNothing())
    .returningAll()
    .execute();
  return rows.map(toCommunityEvent);
}

/** Records `events` and emits on `bus` those this call inserted. */
export async function produceEvents(
  db: Kysely<DB>,
  bus: CommunityEvents,
  events: readonly NewCommunityEvent[],
  now: Date,
): Promise<CommunityEvent[]> {
  const produced = await recordEvents(db, events, now);
  for (const event of produced) bus.emit(event);
  return produced;
}

/** Events the feed shows at most. */
export const FEED_EVENTS = 20;

/** The newest events of a stream, newest first. */
export async function recentEvents(
  db: Kysely<DB>,
  streamId: string,
  limit = FEED_EVENTS,
): Promise<CommunityEvent[]> {
  const rows = await db
    .selectFrom('community_events')
    .selectAll()
    .where('stream_id', '=', streamId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toCommunityEvent);
}
