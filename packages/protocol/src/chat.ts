/**
 * The socket.io contract of a stream's chat (issue 13, decision 40), between the coordinator and
 * the player's chat panel. One socket per stream: the handshake names the stream and carries the
 * viewer's live session secret; the coordinator answers with `welcome` (who you are in this
 * chat, the room's settings and its recent history), then relays messages, deletions and
 * moderation. Every payload a client sends is checked by the parsers here, and a bad one gets an
 * error ack, never a crash. No viewer id or address ever travels to other viewers: a sender is a
 * display name or a pseudonym, and a `senderKey` that only lets the streamer mute it.
 */

/** The socket.io path of the chat on the coordinator's HTTP server (the tracker has its own). */
export const CHAT_PATH = '/chat';

/** Longest message, in characters (code points) after trimming. */
export const CHAT_MAX_LENGTH = 500;

/** Longest mute the streamer may set, in seconds (30 days). */
export const CHAT_MAX_MUTE_SECONDS = 30 * 86_400;

/** Longest slow-mode interval, in seconds (1 hour). */
export const CHAT_MAX_SLOW_MODE_SECONDS = 3600;

/** Error codes of chat acks and of a refused connection (`connect_error`'s `data.code`). */
export const ChatErrorCode = {
  BadRequest: 'BAD_REQUEST',
  /** No session secret, or not the secret of a session of this stream. */
  Unauthorized: 'UNAUTHORIZED',
  /** The session ended or expired: create a new one and reconnect. */
  SessionExpired: 'SESSION_EXPIRED',
  StreamNotFound: 'STREAM_NOT_FOUND',
  /** Empty after trimming, or longer than {@link CHAT_MAX_LENGTH}, or with control characters. */
  InvalidMessage: 'INVALID_MESSAGE',
  /** Too many messages from this viewer or address; `retryAfterMs` says when. */
  RateLimited: 'RATE_LIMITED',
  /** Slow mode: one message per `slowModeSeconds`; `retryAfterMs` says when. */
  SlowMode: 'SLOW_MODE',
  /** The streamer muted this viewer until `until`. */
  Muted: 'MUTED',
  /** The coordinator could not store the message (database unreachable): retry later. */
  Unavailable: 'UNAVAILABLE',
} as const;
export type ChatErrorCode = (typeof ChatErrorCode)[keyof typeof ChatErrorCode];

/** An error as it travels in an ack or a `connect_error`'s `data`. */
export interface ChatErrorBody {
  code: ChatErrorCode;
  message: string;
  /** RATE_LIMITED and SLOW_MODE: when a message may pass again. */
  retryAfterMs?: number;
  /** MUTED: ISO time the mute ends. */
  until?: string;
}

/** Every ack is either `{ ok: true, ...result }` or `{ ok: false, error }`. */
export type ChatAck<T extends object = object> =
  ({ ok: true } & T) | { ok: false; error: ChatErrorBody };

/** What a client sends in the socket.io handshake (`io(url, { path: CHAT_PATH, auth })`). */
export interface ChatHandshake {
  streamId: string;
  /** The secret of the viewer's live session in `streamId`. */
  sessionSecret: string;
}

/** Who sent a message, as every viewer sees it. */
export interface ChatSender {
  /** The viewer account's display name, or a stable pseudonym ("Viewer 3f2a"). */
  name: string;
  /** The viewer supports the stream (credited uploads within the supporter window). */
  supporter: boolean;
  /** A salted hash of the viewer, stable per deployment: what the streamer mutes. */
  senderKey: string;
}

/** A message of a viewer. */
export interface ChatUserMessage {
  type: 'message';
  id: string;
  streamId: string;
  text: string;
  /** ISO time the coordinator stored it. */
  at: string;
  sender: ChatSender;
}

/** A system message: social proof (a new supporter, a data milestone, a goal, a squad). */
export interface ChatSystemMessage {
  type: 'system';
  id: string;
  streamId: string;
  text: string;
  at: string;
  /** The community event's kind (`supporter_joined`, `data_milestone`, ...). */
  kind: string;
}

/** Anything shown in the chat's list, tagged by `type`. */
export type ChatMessage = ChatUserMessage | ChatSystemMessage;

/** The room's settings, as the streamer set them. */
export interface ChatSettings {
  /** Seconds between two messages of one viewer; 0 = off. */
  slowModeSeconds: number;
}

/** Sent once right after a connection is accepted. */
export interface ChatWelcome {
  streamId: string;
  /** How this viewer appears to others. */
  you: Omit<ChatSender, 'senderKey'>;
  settings: ChatSettings;
  /** The latest messages, oldest first (deleted ones left out). */
  history: ChatMessage[];
  /** ISO time this viewer's mute ends, when it is muted now. */
  mutedUntil?: string;
  maxLength: number;
}

/** `send` request. */
export interface ChatSendRequest {
  text: string;
}

/** `send` result: the message as stored, and the points it earned (0 within the cooldown). */
export interface ChatSendResult {
  message: ChatUserMessage;
  points: number;
}

/** Events a client emits (socket.io `ClientToServerEvents`). */
export interface ChatClientEvents {
  send: (req: ChatSendRequest, ack: (res: ChatAck<ChatSendResult>) => void) => void;
}

/** Events the coordinator emits (socket.io `ServerToClientEvents`). */
export interface ChatServerEvents {
  welcome: (msg: ChatWelcome) => void;
  message: (msg: ChatMessage) => void;
  /** The streamer deleted a message: remove it. */
  deleted: (msg: { streamId: string; id: string }) => void;
  /** The streamer changed the room's settings (slow mode). */
  settings: (msg: ChatSettings & { streamId: string }) => void;
  /** To the muted viewer only: until when its messages are refused (null: lifted). */
  muted: (msg: { streamId: string; until: string | null }) => void;
}

/** Result of a payload parser: the typed value, or a reason fit for an error ack. */
export type ChatParsed<T> = { ok: true; value: T } | { ok: false; message: string };

const STREAM_ID = /^[A-Za-z0-9._-]{1,128}$/;
/** C0 and C1 controls, DEL and lone surrogates; line breaks are refused too (one-line chat). */
const CONTROL =
  // eslint-disable-next-line no-control-regex -- the point is to find control characters
  /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a handshake `auth` object. */
export function parseChatHandshake(input: unknown): ChatParsed<ChatHandshake> {
  if (!isRecord(input)) return { ok: false, message: 'handshake auth must be an object' };
  const { streamId, sessionSecret } = input;
  if (typeof streamId !== 'string' || !STREAM_ID.test(streamId))
    return { ok: false, message: 'auth.streamId is not a valid stream id' };
  if (typeof sessionSecret !== 'string' || sessionSecret === '' || sessionSecret.length > 512)
    return { ok: false, message: 'auth.sessionSecret must be a session secret' };
  return { ok: true, value: { streamId, sessionSecret } };
}

/**
 * Parses a `send` payload: the text trimmed, 1..{@link CHAT_MAX_LENGTH} characters, without
 * control characters (line breaks included) or lone surrogates.
 *
 * @example
 * parseChatSend({ text: '  hello ' }); // { ok: true, value: { text: 'hello' } }
 */
export function parseChatSend(input: unknown): ChatParsed<ChatSendRequest> {
  if (!isRecord(input) || typeof input.text !== 'string')
    return { ok: false, message: 'send payload must be { text: string }' };
  // Bounded before the work below, so a megabyte of text costs nothing.
  if (input.text.length > CHAT_MAX_LENGTH * 4)
    return { ok: false, message: `a message has at most ${CHAT_MAX_LENGTH} characters` };
  const text = input.text.trim();
  if (text === '') return { ok: false, message: 'a message cannot be empty' };
  if (CONTROL.test(text))
    return { ok: false, message: 'a message cannot contain control characters or line breaks' };
  if ([...text].length > CHAT_MAX_LENGTH)
    return { ok: false, message: `a message has at most ${CHAT_MAX_LENGTH} characters` };
  return { ok: true, value: { text } };
}
