/**
 * The chat's rows: messages (viewers' and system), history, deletion, mutes, slow mode and
 * pruning. Times come from the coordinator's clock, never `now()`.
 */
import type { ChatMessage, ChatSystemMessage, ChatUserMessage } from '@streamrp2p/protocol';
import type { Kysely, Selectable } from 'kysely';
import type { ChatMessagesTable, DB } from '../db/schema.js';

export type ChatMessageRow = Selectable<ChatMessagesTable>;

/** The wire shape of a stored message (never its viewer id or address). */
export function toWire(row: ChatMessageRow): ChatMessage {
  if (row.kind === 'system') {
    const system: ChatSystemMessage = {
      type: 'system',
      id: row.id,
      streamId: row.stream_id,
      text: row.text,
      at: row.created_at.toISOString(),
      kind: row.sender_key ?? 'community',
    };
    return system;
  }
  const message: ChatUserMessage = {
    type: 'message',
    id: row.id,
    streamId: row.stream_id,
    text: row.text,
    at: row.created_at.toISOString(),
    sender: {
      name: row.sender_name ?? '',
      supporter: row.supporter,
      senderKey: row.sender_key ?? '',
    },
  };
  return message;
}

/** The latest `limit` messages of the stream kept since `since`, deleted ones left out, oldest first. */
export async function recentMessages(
  db: Kysely<DB>,
  streamId: string,
  since: Date,
  limit: number,
): Promise<ChatMessageRow[]> {
  if (limit === 0) return [];
  const rows = await db
    .selectFrom('chat_messages')
    .selectAll()
    .where('stream_id', '=', streamId)
    .where('created_at', '>', since)
    .where('deleted_at', 'is', null)
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse();
}

/** The stream's slow mode, seconds (0 when never set). */
export async function slowModeSeconds(db: Kysely<DB>, streamId: string): Promise<number> {
  const row = await db
    .selectFrom('chat_settings')
    .select('slow_mode_seconds')
    .where('stream_id', '=', streamId)
    .executeTakeFirst();
  return row?.slow_mode_seconds ?? 0;
}

/** Sets the stream's slow mode. */
export async function setSlowMode(
  db: Kysely<DB>,
  streamId: string,
  seconds: number,
  now: Date,
): Promise<void> {
  await db
    .insertInto('chat_settings')
    .values({ stream_id: streamId, slow_mode_seconds: seconds, updated_at: now })
    .onConflict((oc) =>
      oc.column('stream_id').doUpdateSet({ slow_mode_seconds: seconds, updated_at: now }),
    )
    .execute();
}

/** When the viewer's mute in the stream ends, if it is muted at `now`. */
export async function mutedUntil(
  db: Kysely<DB>,
  streamId: string,
  viewerId: string,
  now: Date,
): Promise<Date | undefined> {
  const row = await db
    .selectFrom('chat_mutes')
    .select('until')
    .where('stream_id', '=', streamId)
    .where('viewer_id', '=', viewerId)
    .where('until', '>', now)
    .executeTakeFirst();
  return row?.until;
}

/** The mutes of the stream in force at `now`. */
export function activeMutes(db: Kysely<DB>, streamId: string, now: Date) {
  return db
    .selectFrom('chat_mutes')
    .select(['sender_key', 'sender_name', 'until'])
    .where('stream_id', '=', streamId)
    .where('until', '>', now)
    .orderBy('until')
    .execute();
}

/**
 * Deletes a message for everyone: its text is emptied and it leaves the history; the row stays
 * (the rate limits count it). Returns false when the stream has no such message.
 */
export async function deleteMessage(
  db: Kysely<DB>,
  streamId: string,
  messageId: string,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('chat_messages')
    .set({ text: '', deleted_at: now })
    .where('id', '=', messageId)
    .where('stream_id', '=', streamId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * The sender of a viewer's message in the stream, for a mute: by the message's id, or by its
 * sender key (its latest message, else its mute).
 */
export async function messageSender(
  db: Kysely<DB>,
  streamId: string,
  by: { messageId: string } | { senderKey: string },
): Promise<{ viewerId: string; senderKey: string; senderName: string } | undefined> {
  let query = db
    .selectFrom('chat_messages')
    .select(['viewer_id', 'sender_key', 'sender_name'])
    .where('stream_id', '=', streamId)
    .where('kind', '=', 'message');
  query =
    'messageId' in by
      ? query.where('id', '=', by.messageId)
      : query.where('sender_key', '=', by.senderKey).orderBy('seq', 'desc').limit(1);
  const row = await query.executeTakeFirst();
  if (row?.viewer_id != null) {
    return {
      viewerId: row.viewer_id,
      senderKey: row.sender_key ?? '',
      senderName: row.sender_name ?? '',
    };
  }
  if ('messageId' in by) return undefined;
  const mute = await db
    .selectFrom('chat_mutes')
    .select(['viewer_id', 'sender_key', 'sender_name'])
    .where('stream_id', '=', streamId)
    .where('sender_key', '=', by.senderKey)
    .executeTakeFirst();
  return mute === undefined
    ? undefined
    : { viewerId: mute.viewer_id, senderKey: mute.sender_key, senderName: mute.sender_name };
}

/** Mutes (or, with `until` at or before now, unmutes) the viewer in the stream. */
export async function setMute(
  db: Kysely<DB>,
  mute: {
    streamId: string;
    viewerId: string;
    senderKey: string;
    senderName: string;
    until: Date;
    now: Date;
  },
): Promise<void> {
  await db
    .insertInto('chat_mutes')
    .values({
      stream_id: mute.streamId,
      viewer_id: mute.viewerId,
      sender_key: mute.senderKey,
      sender_name: mute.senderName,
      until: mute.until,
      created_at: mute.now,
    })
    .onConflict((oc) =>
      oc.columns(['stream_id', 'viewer_id']).doUpdateSet({
        until: mute.until,
        sender_name: mute.senderName,
        created_at: mute.now,
      }),
    )
    .execute();
}

/** Stores a system message (a community event's sentence). */
export async function insertSystemMessage(
  db: Kysely<DB>,
  message: { id: string; streamId: string; kind: string; text: string; at: Date },
): Promise<ChatMessageRow> {
  return db
    .insertInto('chat_messages')
    .values({
      id: message.id,
      stream_id: message.streamId,
      kind: 'system',
      sender_key: message.kind,
      text: message.text,
      created_at: message.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Deletes messages older than `before` and mutes ended by then; returns how many of each. */
export async function pruneChat(
  db: Kysely<DB>,
  before: Date,
  now: Date,
): Promise<{ messages: number; mutes: number }> {
  const messages = await db
    .deleteFrom('chat_messages')
    .where('created_at', '<', before)
    .executeTakeFirst();
  const mutes = await db.deleteFrom('chat_mutes').where('until', '<=', now).executeTakeFirst();
  return { messages: Number(messages.numDeletedRows), mutes: Number(mutes.numDeletedRows) };
}
