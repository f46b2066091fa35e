/**
 * The streamer's chat moderation over HTTP (its API key, or the studio's cookie with CSRF, as
 * every owner route): read the room, delete a message, mute the sender of a message, set slow
 * mode. Each change is stored first, then carried to the viewers' sockets on every process.
 *
 * - `GET    /api/streams/:streamId/chat`
 * - `DELETE /api/streams/:streamId/chat/messages/:messageId`
 * - `POST   /api/streams/:streamId/chat/mutes`
 * - `PUT    /api/streams/:streamId/chat/settings`
 */
import {
  ChatMessagePath,
  ChatMuteRequest,
  ChatSettingsRequest,
  StreamPath,
  type ChatMuteResponse,
  type ChatRoomResponse,
} from '@streamrp2p/protocol/api-schemas';
import { Router, type Request } from 'express';
import type { AppContext } from '../context.js';
import { accessStream } from '../economics/stream-access.js';
import { ApiError } from '../errors.js';
import * as validate from '../http/validate.js';
import type { StreamRow } from '../streams/stream-store.js';
import {
  activeMutes,
  deleteMessage,
  messageSender,
  recentMessages,
  setMute,
  setSlowMode,
  slowModeSeconds,
} from './chat-store.js';

const streamPath = validate.path(StreamPath);
const messagePath = validate.path(ChatMessagePath);
const muteBody = validate.body(ChatMuteRequest);
const settingsBody = validate.body(ChatSettingsRequest);

/** Messages the moderation panel lists. */
const PANEL_MESSAGES = 100;

/** The stream, if the caller owns it and it is not deleted. */
async function ownStream(ctx: AppContext, req: Request, streamId: string): Promise<StreamRow> {
  const stream = await accessStream(ctx, req, streamId, { admin: false });
  if (stream.deleted_at !== null) throw new ApiError('STREAM_NOT_FOUND', `no stream ${streamId}`);
  return stream;
}

export function chatRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/api/streams/:streamId/chat', async (req, res) => {
    const { streamId } = streamPath.parse(req.params);
    await ownStream(ctx, req, streamId);
    const now = new Date(ctx.clock());
    const since = new Date(now.getTime() - ctx.config.chatHistoryHours * 3_600_000);
    const [messages, slowMode, mutes] = await Promise.all([
      recentMessages(ctx.db, streamId, since, PANEL_MESSAGES),
      slowModeSeconds(ctx.db, streamId),
      activeMutes(ctx.db, streamId, now),
    ]);
    const body: ChatRoomResponse = {
      streamId,
      slowModeSeconds: slowMode,
      messages: messages.map((m) => ({
        type: m.kind,
        id: m.id,
        text: m.text,
        at: m.created_at.toISOString(),
        name: m.kind === 'message' ? m.sender_name : null,
        senderKey: m.kind === 'message' ? m.sender_key : null,
        supporter: m.supporter,
      })),
      mutes: mutes.map((m) => ({
        senderKey: m.sender_key,
        name: m.sender_name,
        until: m.until.toISOString(),
      })),
    };
    res.json(body);
  });

  router.delete('/api/streams/:streamId/chat/messages/:messageId', async (req, res) => {
    const { streamId, messageId } = messagePath.parse(req.params);
    await ownStream(ctx, req, streamId);
    if (!(await deleteMessage(ctx.db, streamId, messageId, new Date(ctx.clock())))) {
      throw new ApiError('NOT_FOUND', `no chat message ${messageId} in stream ${streamId}`);
    }
    ctx.chat.deleted(streamId, messageId);
    res.status(204).end();
  });

  router.post('/api/streams/:streamId/chat/mutes', async (req, res) => {
    const { streamId } = streamPath.parse(req.params);
    const { messageId, senderKey, durationSeconds } = muteBody.parse(req.body);
    if ((messageId === undefined) === (senderKey === undefined)) {
      throw new ApiError('VALIDATION_ERROR', 'body must have either messageId or senderKey');
    }
    await ownStream(ctx, req, streamId);
    const sender = await messageSender(
      ctx.db,
      streamId,
      messageId === undefined ? { senderKey: senderKey! } : { messageId },
    );
    if (sender === undefined) {
      throw new ApiError(
        'NOT_FOUND',
        `no viewer's chat message ${messageId ?? `from ${senderKey}`} in stream ${streamId}`,
      );
    }
    const now = new Date(ctx.clock());
    const until = new Date(now.getTime() + durationSeconds * 1000);
    const { viewerId, senderKey: key, senderName: name } = sender;
    await setMute(ctx.db, { streamId, viewerId, senderKey: key, senderName: name, until, now });
    const lifted = durationSeconds === 0;
    ctx.chat.muted(streamId, viewerId, lifted ? null : until);
    const body: ChatMuteResponse = {
      streamId,
      senderKey: key,
      name,
      until: lifted ? null : until.toISOString(),
    };
    res.json(body);
  });

  router.put('/api/streams/:streamId/chat/settings', async (req, res) => {
    const { streamId } = streamPath.parse(req.params);
    const { slowModeSeconds: seconds } = settingsBody.parse(req.body);
    await ownStream(ctx, req, streamId);
    await setSlowMode(ctx.db, streamId, seconds, new Date(ctx.clock()));
    ctx.chat.settings(streamId, seconds);
    res.json({ streamId, slowModeSeconds: seconds });
  });

  return router;
}
