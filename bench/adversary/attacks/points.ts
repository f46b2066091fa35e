/**
 * Points farming by one viewer identity from one address: many parallel sessions of the same
 * viewer each sending a heartbeat that claims a full minute every second, and its own streamer
 * account and streams, on which it follows, shares and chats as fast as the API answers
 * (attested with its own API key, as a site backend would, and by its own sessions in them).
 */
import { randomUUID } from 'node:crypto';
import { POINT_RATES, SUPPORTER_MULTIPLIER } from '@streamrp2p/protocol';
import { newSigningKey } from '../keys.js';
import { AddressClient, errorCode, pool, tally } from '../net.js';
import { HandSession } from '../session-client.js';
import type { AttackContext } from './context.js';

export const POINTS_ADDRESS = '127.0.60.1';
const OWN_STREAMS = 2;
const TICK_MS = 1000;
const ACTIONS = ['follow_streamer', 'share_stream', 'chat_message'] as const;

/** The most an honest viewer earns a minute: watching as a supporter. */
export const HONEST_POINTS_PER_MINUTE = POINT_RATES.watch_time * SUPPORTER_MULTIPLIER;

export interface PointsFigures {
  viewerId: string;
  sessionsAttempted: number;
  sessionsCreated: number;
  sessionRefusals: Record<string, number>;
  ownStreams: number;
  ownStreamRefusals: Record<string, number>;
  requests: number;
  awardedByAction: Record<string, number>;
  refusals: Record<string, number>;
  /** The viewer's balance at the end, and the wall minutes it farmed. */
  balance: number;
  minutes: number;
  perMinute: number;
}

export class PointsFarm {
  private readonly api: AddressClient;
  private readonly viewerId = randomUUID();
  private readonly sessions: HandSession[] = [];
  private readonly streams: { streamId: string; apiKey: string }[] = [];
  private readonly figures: PointsFigures;
  private startedAt = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private busy = false;

  constructor(
    private readonly ctx: AttackContext,
    private readonly parallelSessions: number,
  ) {
    this.api = new AddressClient(ctx.stack.coordinatorUrl, POINTS_ADDRESS);
    this.figures = {
      viewerId: this.viewerId,
      sessionsAttempted: 0,
      sessionsCreated: 0,
      sessionRefusals: {},
      ownStreams: 0,
      ownStreamRefusals: {},
      requests: 0,
      awardedByAction: {},
      refusals: {},
      balance: 0,
      minutes: 0,
      perMinute: 0,
    };
  }

  async setup(): Promise<void> {
    const { stack, clock } = this.ctx;
    const account = await this.api.json<{ apiKey: string }>('POST', '/api/streamers', {
      body: { name: 'Points farmer' },
    });
    for (let i = 0; i < OWN_STREAMS && account.status === 201; i += 1) {
      const stream = await this.api.json<{ streamId: string }>('POST', '/api/streams', {
        body: { hlsUrl: `${stack.masterUrl}?client=farmer${i}`, title: `Farm ${i}` },
        bearer: account.body.apiKey,
      });
      if (stream.status === 201) {
        this.streams.push({ streamId: stream.body.streamId, apiKey: account.body.apiKey });
      } else tally(this.figures.ownStreamRefusals, errorCode(stream));
    }
    if (account.status !== 201)
      tally(this.figures.ownStreamRefusals, `account: ${errorCode(account)}`);
    this.figures.ownStreams = this.streams.length;
    const targets = [
      ...Array.from({ length: this.parallelSessions }, () => stack.streamId),
      ...this.streams.map((s) => s.streamId),
    ];
    await pool(targets, 8, async (streamId) => {
      this.figures.sessionsAttempted += 1;
      const session = await HandSession.create(
        this.api,
        streamId,
        newSigningKey(),
        clock.now(),
        this.viewerId,
      );
      if (typeof session === 'string') tally(this.figures.sessionRefusals, session);
      else this.sessions.push(session);
    });
    this.figures.sessionsCreated = this.sessions.length;
    this.ctx.log(
      `points farm: ${this.sessions.length}/${this.figures.sessionsAttempted} sessions of one viewer, ` +
        `${this.streams.length} own streams`,
    );
  }

  start(): void {
    this.startedAt = Date.now();
    this.timer = setInterval(() => void this.tick(), TICK_MS);
  }

  private count(action: string, answer: { status: number; body: { awarded?: number } }): void {
    this.figures.requests += 1;
    if (answer.status === 200)
      tally(this.figures.awardedByAction, action, answer.body?.awarded ?? 0);
    else tally(this.figures.refusals, `${action}: ${errorCode(answer as never)}`);
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const now = this.ctx.clock.now();
      await pool(this.sessions, 16, async (session) => {
        this.count('watch_time', await session.heartbeat(60, now));
        if (session.streamId !== this.ctx.stack.streamId) {
          for (const action of ACTIONS) this.count(action, await session.action(action, now));
        }
      });
      for (const stream of this.streams) {
        for (const action of ACTIONS) {
          const answer = await this.api.json<{ awarded?: number }>('POST', '/api/viewers/points', {
            body: { viewer_id: this.viewerId, stream_id: stream.streamId, action, timestamp: now },
            bearer: stream.apiKey,
          });
          this.count(action, answer);
        }
      }
    } finally {
      this.busy = false;
    }
  }

  /** Stops farming; reads the identity's balance. */
  async stop(): Promise<PointsFigures> {
    clearInterval(this.timer);
    while (this.busy) await new Promise((resolve) => setTimeout(resolve, 50));
    const balance = await this.api.json<{ balance?: number }>(
      'GET',
      `/api/viewers/${this.viewerId}/points`,
    );
    this.figures.balance = balance.body?.balance ?? 0;
    this.figures.minutes = Math.max(1 / 60, (Date.now() - this.startedAt) / 60_000);
    this.figures.perMinute = this.figures.balance / this.figures.minutes;
    this.ctx.log(
      `points farm: ${this.figures.balance} points in ${this.figures.minutes.toFixed(2)} min ` +
        `(${this.figures.perMinute.toFixed(1)}/min; honest at most ${HONEST_POINTS_PER_MINUTE}/min)`,
    );
    return this.figures;
  }
}
