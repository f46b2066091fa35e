/**
 * HTTP schemas of a stream's chat moderation (issue 13, decision 40): the streamer reads the
 * room, deletes messages, mutes a sender and sets slow mode. The socket contract viewers use is
 * `../chat.ts`; these shapes carry the same messages.
 */
import { Type, type Static } from '@sinclair/typebox';
import { CHAT_MAX_MUTE_SECONDS, CHAT_MAX_SLOW_MODE_SECONDS } from '../chat.js';
import { Closed, DateTime, Id } from './builders.js';

/** `/api/streams/:streamId/chat/messages/:messageId`. */
export const ChatMessagePath = Type.Object({ streamId: Id(), messageId: Id() });

/** A sender key: 16 hex characters. */
export const SenderKey = (description: string) =>
  Type.String({ pattern: '^[0-9a-f]{16}$', description });

/** `POST /api/streams/:streamId/chat/mutes`: exactly one of `messageId` and `senderKey`. */
export const ChatMuteRequest = Closed({
  messageId: Type.Optional(Id('A message of the viewer to mute (the panel mutes from a message)')),
  senderKey: Type.Optional(SenderKey("The viewer's sender key, as messages and mutes carry it")),
  durationSeconds: Type.Integer({
    minimum: 0,
    maximum: CHAT_MAX_MUTE_SECONDS,
    description: 'How long its messages are refused; 0 lifts the mute',
  }),
});
export type ChatMuteRequest = Static<typeof ChatMuteRequest>;

/** `PUT /api/streams/:streamId/chat/settings`. */
export const ChatSettingsRequest = Closed({
  slowModeSeconds: Type.Integer({
    minimum: 0,
    maximum: CHAT_MAX_SLOW_MODE_SECONDS,
    description: 'Seconds between two messages of one viewer; 0 turns slow mode off',
  }),
});
export type ChatSettingsRequest = Static<typeof ChatSettingsRequest>;

export const ChatSettingsResponse = Closed({
  streamId: Type.String(),
  slowModeSeconds: Type.Integer({ minimum: 0 }),
});
export type ChatSettingsResponse = Static<typeof ChatSettingsResponse>;

/** A message as the moderation panel lists it. */
export const ChatMessageEntry = Closed({
  type: Type.Union([Type.Literal('message'), Type.Literal('system')]),
  id: Type.String(),
  text: Type.String(),
  at: DateTime(),
  name: Type.Union([Type.String(), Type.Null()], { description: 'Sender name; null for system' }),
  senderKey: Type.Union([Type.String(), Type.Null()], {
    description: 'What a mute targets; null for system messages',
  }),
  supporter: Type.Boolean(),
});
export type ChatMessageEntry = Static<typeof ChatMessageEntry>;

export const ChatMuteEntry = Closed({
  senderKey: Type.String(),
  name: Type.String(),
  until: DateTime(),
});
export type ChatMuteEntry = Static<typeof ChatMuteEntry>;

/** `GET /api/streams/:streamId/chat` (owner): the room as the moderation panel shows it. */
export const ChatRoomResponse = Closed({
  streamId: Type.String(),
  slowModeSeconds: Type.Integer({ minimum: 0 }),
  messages: Type.Array(ChatMessageEntry, { description: 'The latest messages, oldest first' }),
  mutes: Type.Array(ChatMuteEntry, { description: 'Mutes in force' }),
});
export type ChatRoomResponse = Static<typeof ChatRoomResponse>;

/** `POST /api/streams/:streamId/chat/mutes` answer. */
export const ChatMuteResponse = Closed({
  streamId: Type.String(),
  senderKey: Type.String(),
  name: Type.String(),
  until: Type.Union([DateTime(), Type.Null()], { description: 'null: the mute was lifted' }),
});
export type ChatMuteResponse = Static<typeof ChatMuteResponse>;
