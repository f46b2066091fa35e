/**
 * A chat socket's handshake: `{ streamId, sessionSecret }` must name a live session of a live
 * stream, and the session may hold only a few sockets. What it proves travels on the socket as
 * {@link ChatSocketData}; a refusal is a {@link ChatConnectError}, whose `data` socket.io hands to
 * the client's `connect_error`.
 */
import createDebug from 'debug';
import { ChatErrorCode, parseChatHandshake, type ChatErrorBody } from '@streamrp2p/protocol';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { isLive, touchSession } from '../sessions/session-auth.js';
import { findLiveStream } from '../streams/stream-store.js';
import { hashSecret } from '../util/crypto.js';
import { chatIdentity, type ChatIdentity } from './chat-identity.js';

const log = createDebug('streamrp2p:coordinator:chat');

/** Chat sockets one session may hold on one process (a few tabs of one viewer). */
export const MAX_SOCKETS_PER_SESSION = 4;

/** What a socket carries after its handshake. */
export interface ChatSocketData {
  viewerId: string;
  streamId: string;
  streamerId: string;
  sessionId: string;
  /** The session's address key (IPv4 /32, IPv6 /64); '' for rows from before migration 003. */
  addressKey: string;
  identity: ChatIdentity;
  /** A send of this socket is being stored: the next waits for its answer. */
  sending: boolean;
}

/** A refused handshake. */
export class ChatConnectError extends Error {
  readonly data: ChatErrorBody;
  constructor(code: ChatErrorCode, message: string) {
    super(message);
    this.data = { code, message };
  }
}

/**
 * Checks the handshake's `auth` and answers what the socket carries; throws a
 * {@link ChatConnectError} (or a database error) otherwise. `socketsOf` counts the session's
 * sockets on this process.
 */
export async function authenticateChat(
  ctx: AppContext,
  salt: string,
  handshakeAuth: unknown,
  socketsOf: (sessionId: string) => number,
): Promise<ChatSocketData> {
  const auth = parseChatHandshake(handshakeAuth);
  if (!auth.ok) throw new ChatConnectError(ChatErrorCode.BadRequest, auth.message);
  const { streamId, sessionSecret } = auth.value;
  const session = await ctx.db
    .selectFrom('sessions')
    .selectAll()
    .where('secret_hash', '=', hashSecret(sessionSecret))
    .executeTakeFirst();
  if (session === undefined || session.stream_id !== streamId) {
    throw new ChatConnectError(
      ChatErrorCode.Unauthorized,
      `the session secret is no session of stream ${streamId}`,
    );
  }
  if (!isLive(ctx, session)) {
    throw new ChatConnectError(
      ChatErrorCode.SessionExpired,
      'the session has ended or expired; create a new one',
    );
  }
  if (socketsOf(session.id) >= MAX_SOCKETS_PER_SESSION) {
    throw new ChatConnectError(
      ChatErrorCode.RateLimited,
      `a session holds at most ${MAX_SOCKETS_PER_SESSION} chat connections`,
    );
  }
  const stream = await findLiveStream(ctx, streamId);
  await touchSession(ctx, session.id);
  return {
    viewerId: session.viewer_id,
    streamId,
    streamerId: stream.streamer_id,
    sessionId: session.id,
    addressKey: session.address_key,
    identity: await chatIdentity(
      ctx.db,
      salt,
      session.viewer_id,
      ctx.clock(),
      ctx.config.supporterWindowSeconds,
    ),
    sending: false,
  };
}

/** The `connect_error` of a failed handshake: its code, or UNAVAILABLE for anything else. */
export function connectError(error: unknown): ChatConnectError {
  if (error instanceof ChatConnectError) return error;
  if (error instanceof ApiError && error.code === 'STREAM_NOT_FOUND')
    return new ChatConnectError(ChatErrorCode.StreamNotFound, error.message);
  log('handshake failed: %O', error);
  return new ChatConnectError(ChatErrorCode.Unavailable, 'the chat is unavailable; retry later');
}
