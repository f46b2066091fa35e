/**
 * The chat server (issue 13, decision 40): socket.io on the coordinator's own HTTP server at
 * `CHAT_PATH`, one room per stream, shared across processes through Redis when `redisUrl` is set.
 * A socket is one viewer's live session in one stream (its secret in the handshake); it gets a
 * welcome with the room's recent history, sends messages (stored, limited, moderated, worth
 * points) and receives the room's messages, deletions and settings. Community events of this
 * process become system messages of their stream's room. Old messages are pruned by a job.
 */
import type { Server as HttpServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import createDebug from 'debug';
import {
  CHAT_MAX_LENGTH,
  CHAT_PATH,
  ChatErrorCode,
  type ChatClientEvents,
  type ChatServerEvents,
} from '@streamrp2p/protocol';
import { Server, type Socket } from 'socket.io';
import type { CommunityEvent } from '../community/community-events.js';
import type { AppContext } from '../context.js';
import { PeriodicJob } from '../util/periodic-job.js';
import { authenticateChat, connectError, type ChatSocketData } from './chat-handshake.js';
import { sendMessage } from './chat-message.js';
import { ChatRedis } from './chat-redis.js';
import {
  insertSystemMessage,
  mutedUntil,
  pruneChat,
  recentMessages,
  slowModeSeconds,
  toWire,
} from './chat-store.js';

const log = createDebug('streamrp2p:coordinator:chat');

/** Time between prunes of messages older than `chatHistoryHours`. */
const PRUNE_INTERVAL_MS = 15 * 60_000;
/** Largest socket.io packet accepted (a message is at most 500 characters). */
const MAX_PACKET_BYTES = 16 * 1024;
/** Community event ids remembered to drop repeats. */
const SEEN_EVENTS = 1000;

/** What the moderation routes tell every process's sockets (through the adapter). */
export interface ChatBroadcast {
  deleted(streamId: string, messageId: string): void;
  settings(streamId: string, slowModeSeconds: number): void;
  /** To the viewer's own sockets in the stream; `until` null when lifted. */
  muted(streamId: string, viewerId: string, until: Date | null): void;
  /** Disconnects the viewer's sockets in every process: it was erased (`privacy/`). */
  viewerErased(viewerId: string): void;
}

type ChatServer = Server<ChatClientEvents, ChatServerEvents, Record<string, never>, ChatSocketData>;
type ChatSocket = Socket<ChatClientEvents, ChatServerEvents, Record<string, never>, ChatSocketData>;

const streamRoom = (streamId: string) => `stream:${streamId}`;
const viewerRoom = (streamId: string, viewerId: string) => `viewer:${streamId}:${viewerId}`;

/** The chat of one coordinator process; `start()` attaches it, `close()` undoes everything. */
export class ChatHub implements ChatBroadcast {
  #io: ChatServer | undefined;
  #redis: ChatRedis | undefined;
  #ctx: AppContext | undefined;
  #salt = '';
  #prune: PeriodicJob<{ messages: number; mutes: number }> | undefined;
  #unsubscribe: (() => void) | undefined;
  readonly #seen = new Set<string>();
  /** Connected sockets by session id (a session holds a few, `chat-handshake.ts`). */
  readonly #sessionSockets = new Map<string, number>();
  readonly #pending = new Set<Promise<unknown>>();

  /** Attaches to `server` (before it has clients), connects Redis when configured. */
  async start(server: HttpServer, ctx: AppContext): Promise<void> {
    this.#ctx = ctx;
    this.#salt = ctx.pseudonymSalt;
    const io: ChatServer = new Server(server, {
      path: CHAT_PATH,
      transports: ['websocket'],
      maxHttpBufferSize: MAX_PACKET_BYTES,
      perMessageDeflate: false,
      httpCompression: false,
      serveClient: false,
    });
    this.#io = io;
    if (ctx.config.redisUrl !== undefined) {
      this.#redis = new ChatRedis(ctx.config.redisUrl);
      io.adapter(await this.#redis.connect());
    }
    io.use((socket, next) => {
      authenticateChat(
        ctx,
        this.#salt,
        socket.handshake.auth,
        (id) => this.#sessionSockets.get(id) ?? 0,
      ).then(
        (data) => {
          socket.data = data;
          next();
        },
        (error: unknown) => {
          const refused = connectError(error);
          ctx.metrics.chatRefusals.inc({ code: refused.data.code });
          next(refused);
        },
      );
    });
    io.on('connection', (socket) => this.#track(this.#welcome(socket)));
    this.#unsubscribe = ctx.community.subscribe((event) => this.#track(this.#system(event)));
    this.#prune = new PeriodicJob({
      intervalMs: PRUNE_INTERVAL_MS,
      run: () => this.#pruneNow(),
      onError: (error) => log('prune failed: %O', error),
    });
    this.#prune.start();
  }

  /** Prunes messages past `chatHistoryHours` and ended mutes now (after a run in flight). */
  prune(): Promise<{ messages: number; mutes: number }> {
    if (this.#prune === undefined) throw new Error('chat not started');
    return this.#prune.run();
  }

  deleted(streamId: string, messageId: string): void {
    this.#io?.to(streamRoom(streamId)).emit('deleted', { streamId, id: messageId });
  }

  settings(streamId: string, slowMode: number): void {
    this.#io?.to(streamRoom(streamId)).emit('settings', { streamId, slowModeSeconds: slowMode });
  }

  muted(streamId: string, viewerId: string, until: Date | null): void {
    this.#io
      ?.to(viewerRoom(streamId, viewerId))
      .emit('muted', { streamId, until: until === null ? null : until.toISOString() });
  }

  viewerErased(viewerId: string): void {
    // Every process's sockets (through the adapter): a socket authenticated before the erasure
    // would otherwise go on sending under the erased viewer id.
    void this.#io
      ?.fetchSockets()
      .then((sockets) => {
        for (const socket of sockets) {
          if (socket.data.viewerId === viewerId) socket.disconnect(true);
        }
      })
      .catch((error: unknown) => log('disconnecting an erased viewer failed: %O', error));
  }

  /** Disconnects this process's sockets, stops the job and the subscription, leaves Redis. */
  async close(): Promise<void> {
    this.#unsubscribe?.();
    await this.#prune?.close();
    const io = this.#io;
    if (io !== undefined) {
      io.local.disconnectSockets(true);
      await Promise.allSettled(this.#pending);
      await io.of('/').adapter.close();
      io.engine.close();
    }
    await this.#redis?.close();
  }

  #track(work: Promise<unknown>): void {
    this.#pending.add(work);
    void work.finally(() => this.#pending.delete(work));
  }

  #context(): AppContext {
    if (this.#ctx === undefined) throw new Error('chat not started');
    return this.#ctx;
  }

  async #welcome(socket: ChatSocket): Promise<void> {
    const ctx = this.#context();
    const { streamId, viewerId, identity } = socket.data;
    const { sessionId } = socket.data;
    this.#sessionSockets.set(sessionId, (this.#sessionSockets.get(sessionId) ?? 0) + 1);
    ctx.metrics.chatSockets.inc();
    socket.once('disconnect', () => {
      ctx.metrics.chatSockets.dec();
      const left = (this.#sessionSockets.get(sessionId) ?? 1) - 1;
      if (left > 0) this.#sessionSockets.set(sessionId, left);
      else this.#sessionSockets.delete(sessionId);
    });
    await socket.join([streamRoom(streamId), viewerRoom(streamId, viewerId)]);
    socket.on('send', (payload, ack) => {
      if (typeof ack !== 'function') return;
      // One send of a socket at a time: a flood waits for nothing and costs no database work.
      if (socket.data.sending) {
        ctx.metrics.chatRefusals.inc({ code: ChatErrorCode.RateLimited });
        ack({
          ok: false,
          error: {
            code: ChatErrorCode.RateLimited,
            message: 'one message at a time: wait for the answer to the previous one',
            retryAfterMs: 1000,
          },
        });
        return;
      }
      socket.data.sending = true;
      this.#track(
        sendMessage(ctx, socket.data, payload, (message) =>
          this.#io?.to(streamRoom(streamId)).emit('message', message),
        ).then(
          (answer) => {
            socket.data.sending = false;
            // An expired session's socket is closed: the client joins again with a new one.
            if (!answer.ok && answer.error.code === ChatErrorCode.SessionExpired)
              setImmediate(() => socket.disconnect(true));
            if (!answer.ok) ctx.metrics.chatRefusals.inc({ code: answer.error.code });
            ack(answer);
          },
          (error: unknown) => {
            socket.data.sending = false;
            log('send failed: %O', error);
            ctx.metrics.chatRefusals.inc({ code: ChatErrorCode.Unavailable });
            ack({
              ok: false,
              error: {
                code: ChatErrorCode.Unavailable,
                message: 'the message could not be stored',
              },
            });
          },
        ),
      );
    });
    try {
      const now = new Date(ctx.clock());
      const [history, slowMode, muted] = await Promise.all([
        recentMessages(
          ctx.db,
          streamId,
          new Date(now.getTime() - ctx.config.chatHistoryHours * 3_600_000),
          ctx.config.chatHistoryMessages,
        ),
        slowModeSeconds(ctx.db, streamId),
        mutedUntil(ctx.db, streamId, viewerId, now),
      ]);
      socket.emit('welcome', {
        streamId,
        you: { name: identity.name, supporter: identity.supporter },
        settings: { slowModeSeconds: slowMode },
        history: history.map(toWire),
        ...(muted === undefined ? {} : { mutedUntil: muted.toISOString() }),
        maxLength: CHAT_MAX_LENGTH,
      });
    } catch (error) {
      log('welcome failed: %O', error);
      socket.disconnect(true);
    }
  }

  /** A community event of this process: stored as a system message and sent to its room. */
  async #system(event: CommunityEvent): Promise<void> {
    if (this.#seen.has(event.id)) return;
    this.#seen.add(event.id);
    if (this.#seen.size > SEEN_EVENTS) this.#seen.delete(this.#seen.values().next().value!);
    const ctx = this.#context();
    try {
      const row = await insertSystemMessage(ctx.db, {
        id: randomUUID(),
        streamId: event.streamId,
        kind: event.kind,
        text: event.text,
        // When it appears in the room, so history keeps the order viewers saw.
        at: new Date(ctx.clock()),
      });
      this.#io?.to(streamRoom(event.streamId)).emit('message', toWire(row));
      ctx.metrics.chatMessages.inc({ kind: 'system' });
    } catch (error) {
      log('community event %s not posted: %O', event.id, error);
    }
  }

  async #pruneNow(): Promise<{ messages: number; mutes: number }> {
    const ctx = this.#context();
    const now = ctx.clock();
    return pruneChat(
      ctx.db,
      new Date(now - ctx.config.chatHistoryHours * 3_600_000),
      new Date(now),
    );
  }
}
