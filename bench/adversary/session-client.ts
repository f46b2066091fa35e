/**
 * A coordinator session driven by hand, as an attacker's script would: created from a chosen
 * source address with a chosen key and viewer id, then used to post signed receipt batches,
 * watch heartbeats and challenge answers. It never moves a byte of video.
 */
import { randomUUID } from 'node:crypto';
import type { PostReceiptsResponse, ReceiptBody, SessionResponse } from '@streamrp2p/protocol';
import { signBatch, type SigningKey } from './keys.js';
import { errorCode, type AddressClient, type JsonAnswer } from './net.js';

export class HandSession {
  /** Simulated time the session was created (for the physical bound). */
  readonly createdAt: number;
  /** Meeting tickets the tracker handed this session's peer, by remote peer id. */
  readonly tickets = new Map<string, string>();
  lastHeartbeatAt: number;

  constructor(
    readonly client: AddressClient,
    readonly key: SigningKey,
    readonly session: SessionResponse,
    readonly streamId: string,
    now: number,
  ) {
    this.createdAt = now;
    this.lastHeartbeatAt = now;
  }

  get id(): string {
    return this.session.sessionId;
  }
  get peerId(): string {
    return this.session.peerId;
  }
  get viewerId(): string {
    return this.session.viewerId;
  }

  /**
   * Creates a session; resolves with it, or with the error code of the refusal (a rate limit,
   * a reused key...).
   */
  static async create(
    client: AddressClient,
    streamId: string,
    key: SigningKey,
    now: number,
    viewerId: string = randomUUID(),
  ): Promise<HandSession | string> {
    const answer = await client.json<SessionResponse>('POST', '/api/sessions', {
      body: { streamId, viewerId, publicKey: key.publicKey },
    });
    if (answer.status !== 201) return errorCode(answer);
    return new HandSession(client, key, answer.body, streamId, now);
  }

  /** Signs and posts `receipts`; `signature` and `bearer` override the honest ones (forgeries). */
  postReceipts(
    receipts: ReceiptBody[],
    options: { tickets?: string[]; signature?: string; bearer?: string; rawBody?: string } = {},
  ): Promise<JsonAnswer<PostReceiptsResponse>> {
    const signature = options.signature ?? signBatch(this.key, this.id, receipts);
    const tickets = options.tickets ?? [];
    return this.client.json<PostReceiptsResponse>('POST', '/api/receipts', {
      body: { sessionId: this.id, receipts, signature, ...(tickets.length ? { tickets } : {}) },
      bearer: options.bearer ?? this.session.sessionSecret,
      ...(options.rawBody === undefined ? {} : { rawBody: options.rawBody }),
    });
  }

  /** A watch-time heartbeat claiming `seconds` of playing (keeps the session seen, too). */
  heartbeat(seconds: number, now: number): Promise<JsonAnswer<{ awarded?: number }>> {
    this.lastHeartbeatAt = now;
    return this.client.json('POST', '/api/viewers/points', {
      body: {
        viewer_id: this.viewerId,
        stream_id: this.streamId,
        action: 'watch_time',
        duration_seconds: seconds,
        timestamp: now,
      },
      bearer: this.session.sessionSecret,
    });
  }

  /** A points action other than watch time, attested by this session. */
  action(action: string, now: number): Promise<JsonAnswer<{ awarded?: number }>> {
    return this.client.json('POST', '/api/viewers/points', {
      body: { viewer_id: this.viewerId, stream_id: this.streamId, action, timestamp: now },
      bearer: this.session.sessionSecret,
    });
  }

  get secret(): string {
    return this.session.sessionSecret;
  }
}
