/**
 * A viewer's `send`, from the socket to the room: the payload parsed, the session still live
 * (and seen now), the supporter badge refreshed when old, the message stored behind moderation
 * and limits (`chat-send.ts`), published, and awarded its points. Answers the ack.
 */
import createDebug from 'debug';
import {
  ChatErrorCode,
  parseChatSend,
  type ChatAck,
  type ChatSendResult,
  type ChatUserMessage,
} from '@streamrp2p/protocol';
import type { AppContext } from '../context.js';
import { awardPoints } from '../points/award-points.js';
import type { ChatSocketData } from './chat-handshake.js';
import { isSupporter, SUPPORTER_RECHECK_MS } from './chat-identity.js';
import { storeMessage } from './chat-send.js';
import { toWire } from './chat-store.js';

const log = createDebug('streamrp2p:coordinator:chat');

/**
 * Handles one `send` of the socket whose handshake gave `data` (its badge may be refreshed in
 * place); `publish` sends a stored message to the room.
 */
export async function sendMessage(
  ctx: AppContext,
  data: ChatSocketData,
  payload: unknown,
  publish: (message: ChatUserMessage) => void,
): Promise<ChatAck<ChatSendResult>> {
  const parsed = parseChatSend(payload);
  if (!parsed.ok) {
    return { ok: false, error: { code: ChatErrorCode.InvalidMessage, message: parsed.message } };
  }
  const now = new Date(ctx.clock());
  // Sending is an authenticated call of the session: it must still be live, and is seen now.
  const touched = await ctx.db
    .updateTable('sessions')
    .set({ last_seen_at: now })
    .where('id', '=', data.sessionId)
    .where('ended_at', 'is', null)
    .where('last_seen_at', '>=', new Date(now.getTime() - ctx.config.sessionTtlSeconds * 1000))
    .executeTakeFirst();
  if (touched.numUpdatedRows === 0n) {
    return {
      ok: false,
      error: {
        code: ChatErrorCode.SessionExpired,
        message: 'the session has ended or expired; create a new one and reconnect',
      },
    };
  }
  if (now.getTime() - data.identity.checkedAt > SUPPORTER_RECHECK_MS) {
    data.identity = {
      ...data.identity,
      supporter: await isSupporter(
        ctx.db,
        data.viewerId,
        now.getTime(),
        ctx.config.supporterWindowSeconds,
      ),
      checkedAt: now.getTime(),
    };
  }
  const outcome = await storeMessage(ctx, data, parsed.value.text, now);
  if (!outcome.ok) {
    if (outcome.limit !== undefined) ctx.metrics.limitRefusals.inc({ limit: outcome.limit.limit });
    return { ok: false, error: outcome.error };
  }
  const message = toWire(outcome.row) as ChatUserMessage;
  publish(message);
  ctx.metrics.chatMessages.inc({ kind: 'message' });
  return { ok: true, message, points: await messagePoints(ctx, data, now) };
}

/** The message's points (5, or 0 within the cooldown or past a cap); never fails the send. */
async function messagePoints(ctx: AppContext, data: ChatSocketData, now: Date): Promise<number> {
  try {
    const result = await awardPoints(ctx, {
      viewerId: data.viewerId,
      streamId: data.streamId,
      streamerId: data.streamerId,
      action: 'chat_message',
      durationSeconds: undefined,
      sessionId: data.sessionId,
      eventAt: now,
    });
    return result.awarded;
  } catch (error) {
    log('chat points failed: %O', error);
    return 0;
  }
}
