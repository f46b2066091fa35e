/**
 * The colluding receipt farm: one attacker on two source addresses (127.0.0.1 and 127.0.0.2),
 * whose sessions "serve" each other the stream's real segments (true roots and lengths, from
 * the public roots endpoint) while no byte moves. It does what a determined attacker would:
 * reuses one key for every session until refused, connects each session to the tracker and
 * relays made-up offers and answers between its own peers to collect meeting tickets, claims
 * the stream's whole indexed history, sends watch heartbeats so its receivers look like they
 * play, and answers challenges with segments fetched from the public origin.
 */
import { bytesToHex, buildMerkleTree, merkleProof, swarmKey } from '@streamrp2p/protocol';
import type {
  ChallengeAnswerResponse,
  ChallengesResponse,
  ReceiptBody,
} from '@streamrp2p/protocol';
import { newSigningKey } from '../keys.js';
import { AddressClient, pool, tally } from '../net.js';
import { indexedSegments, liveSegments, type IndexedSegment } from '../roots.js';
import { HandSession } from '../session-client.js';
import { TrackerSocket } from '../tracker-socket.js';
import type { AttackContext } from './context.js';

export const FARM_ADDRESSES = ['127.0.0.1', '127.0.0.2'] as const;
/** Accomplices each farm session relays fake signalling with (per side). */
const SIGNAL_PARTNERS = 4;
const MAX_RECEIPTS_PER_POST = 500;
const MAX_CHALLENGES_PER_ROUND = 8;

export interface FarmFigures {
  sessionsAttempted: number;
  sessionsCreated: number;
  /** Sessions accepted with the key every farm session tried first. */
  sharedKeySessions: number;
  sessionRefusals: Record<string, number>;
  trackerSockets: number;
  trackerRefusals: Record<string, number>;
  ticketsObtained: number;
  receiptsPosted: number;
  receiptsCredited: number;
  /** Bytes credited by the coordinator's answers (no byte ever moved). */
  creditedBytes: number;
  rejections: Record<string, number>;
  /** Whole requests refused (status or error code). */
  requestErrors: Record<string, number>;
  challengesPassed: number;
  challengesFailed: number;
  heartbeatPoints: number;
  viewerIds: string[];
  /** Per session: simulated creation time (ms) and credited bytes as uploader. */
  sessions: { viewerId: string; address: string; createdAt: number; creditedBytes: number }[];
}

export class Farm {
  private readonly sessions: HandSession[] = [];
  private readonly sockets = new Map<HandSession, TrackerSocket>();
  private readonly claimed = new Map<HandSession, Set<string>>();
  private readonly creditedAsUploader = new Map<string, number>();
  private readonly figures: FarmFigures = {
    sessionsAttempted: 0,
    sessionsCreated: 0,
    sharedKeySessions: 0,
    sessionRefusals: {},
    trackerSockets: 0,
    trackerRefusals: {},
    ticketsObtained: 0,
    receiptsPosted: 0,
    receiptsCredited: 0,
    creditedBytes: 0,
    rejections: {},
    requestErrors: {},
    challengesPassed: 0,
    challengesFailed: 0,
    heartbeatPoints: 0,
    viewerIds: [],
    sessions: [],
  };
  private rotation = 0;

  constructor(
    private readonly ctx: AttackContext,
    private readonly sessionsPerAddress: number,
  ) {}

  /** Sessions, tracker sockets and fake signalling between the two sides. */
  async setup(): Promise<void> {
    const { stack, clock } = this.ctx;
    const sharedKey = newSigningKey();
    for (const address of FARM_ADDRESSES) {
      const client = new AddressClient(stack.coordinatorUrl, address);
      await pool(Array.from({ length: this.sessionsPerAddress }), 4, async () => {
        this.figures.sessionsAttempted += 1;
        let session = await HandSession.create(client, stack.streamId, sharedKey, clock.now());
        if (typeof session === 'string') {
          tally(this.figures.sessionRefusals, `shared key: ${session}`);
          session = await HandSession.create(client, stack.streamId, newSigningKey(), clock.now());
          if (typeof session === 'string') {
            tally(this.figures.sessionRefusals, session);
            return;
          }
        } else {
          this.figures.sharedKeySessions += 1;
        }
        this.sessions.push(session);
        this.claimed.set(session, new Set());
      });
    }
    this.figures.sessionsCreated = this.sessions.length;
    this.figures.viewerIds = this.sessions.map((s) => s.viewerId);
    await pool(this.sessions, 8, async (session) => {
      const socket = await TrackerSocket.connect(
        stack.trackerUrl,
        session.client.address,
        session.session.trackerToken,
      );
      if (typeof socket === 'string') return tally(this.figures.trackerRefusals, socket);
      this.figures.trackerSockets += 1;
      this.sockets.set(session, socket);
      for (const rendition of stack.renditions) await socket.join(stack.streamId, rendition);
    });
    await this.signal();
    this.ctx.log(
      `farm: ${this.sessions.length}/${this.figures.sessionsAttempted} sessions ` +
        `(${this.figures.sharedKeySessions} on one shared key), ${this.figures.trackerSockets} ` +
        `tracker sockets, ${this.ticketCount()} meeting tickets`,
    );
  }

  /** Relays fake offers/answers between accomplices on the two addresses, for tickets. */
  private async signal(): Promise<void> {
    const { stack } = this.ctx;
    const [left, right] = FARM_ADDRESSES.map((a) =>
      this.sessions.filter((s) => s.client.address === a && this.sockets.has(s)),
    ) as [HandSession[], HandSession[]];
    const pairs: [HandSession, HandSession][] = [];
    left.forEach((a, i) => {
      for (let k = 0; k < Math.min(SIGNAL_PARTNERS, right.length); k += 1) {
        pairs.push([a, right[(i + k) % right.length]!]);
      }
    });
    await pool(pairs, 8, async ([a, b]) => {
      for (const rendition of stack.renditions) {
        const swarm = swarmKey({ streamId: stack.streamId, rendition });
        await this.sockets.get(a)!.signal(swarm, b.peerId, 'offer');
        await this.sockets.get(b)!.signal(swarm, a.peerId, 'answer');
      }
    });
    // Tickets, when the tracker hands them out, follow the relayed answer.
    await new Promise((resolve) => setTimeout(resolve, 500));
    this.figures.ticketsObtained = this.ticketCount();
  }

  private ticketCount(): number {
    let count = 0;
    for (const socket of this.sockets.values()) count += socket.tickets.size;
    return count;
  }

  private ticketsBetween(receiver: HandSession, uploader: HandSession): string | undefined {
    return (
      this.sockets.get(receiver)?.tickets.get(uploader.peerId) ??
      this.sockets.get(uploader)?.tickets.get(receiver.peerId)
    );
  }

  /** One round: claim everything indexed, heartbeat, answer challenges. */
  async round(): Promise<void> {
    const { stack } = this.ctx;
    if (this.sessions.length === 0) return;
    const api = this.sessions[0]!.client;
    const segments: IndexedSegment[] = [];
    for (const rendition of stack.renditions) {
      const url = stack.playlistUrls.get(rendition);
      if (url) segments.push(...(await indexedSegments(api, stack.streamId, rendition, url)));
    }
    await pool(this.sessions, 6, (receiver) => this.claim(receiver, segments));
    await pool(this.sessions, 8, (session) => this.heartbeat(session));
    await this.answerChallenges();
  }

  private async claim(receiver: HandSession, segments: IndexedSegment[]): Promise<void> {
    const uploaders = this.sessions.filter((s) => s.client.address !== receiver.client.address);
    if (uploaders.length === 0) return;
    const claimed = this.claimed.get(receiver)!;
    const now = this.ctx.clock.now();
    const receipts: ReceiptBody[] = [];
    const used = new Set<HandSession>();
    for (const segment of segments) {
      const key = `${segment.rendition}/${segment.sequence}`;
      if (claimed.has(key) || receipts.length >= MAX_RECEIPTS_PER_POST) continue;
      claimed.add(key);
      const uploader = uploaders[this.rotation++ % uploaders.length]!;
      used.add(uploader);
      receipts.push({
        uploaderPeerId: uploader.peerId,
        streamId: this.ctx.stack.streamId,
        rendition: segment.rendition,
        sequence: segment.sequence,
        root: segment.root,
        byteLength: segment.byteLength,
        timestamp: now,
      });
    }
    if (receipts.length === 0) return;
    const tickets = [...used].flatMap((u) => this.ticketsBetween(receiver, u) ?? []).slice(0, 64);
    const answer = await receiver.postReceipts(receipts, { tickets });
    this.figures.receiptsPosted += receipts.length;
    if (answer.status !== 200 || !answer.body?.results) {
      const code = (answer.body as unknown as { error?: { code?: string } })?.error?.code;
      return tally(this.figures.requestErrors, code ?? `HTTP ${answer.status}`);
    }
    for (const result of answer.body.results) {
      const receipt = receipts[result.index]!;
      if (result.status === 'credited') {
        this.figures.receiptsCredited += 1;
        this.figures.creditedBytes += receipt.byteLength;
        const before = this.creditedAsUploader.get(receipt.uploaderPeerId) ?? 0;
        this.creditedAsUploader.set(receipt.uploaderPeerId, before + receipt.byteLength);
      } else if (result.status === 'rejected') {
        tally(this.figures.rejections, result.code);
      } else {
        tally(this.figures.rejections, 'duplicate');
      }
    }
  }

  /** Watch heartbeats for the time since the last one, so receivers look like they play. */
  private async heartbeat(session: HandSession): Promise<void> {
    const now = this.ctx.clock.now();
    const seconds = Math.max(1, Math.round((now - session.lastHeartbeatAt) / 1000));
    const answer = await session.heartbeat(Math.min(3600, seconds), now);
    this.figures.heartbeatPoints += answer.body?.awarded ?? 0;
  }

  /** Keeps every session seen (heartbeats only): used while the clock runs fast. */
  async keepAlive(): Promise<void> {
    await pool(this.sessions, 8, (session) => this.heartbeat(session));
  }

  /** Answers challenges with the segment fetched from the public origin. */
  private async answerChallenges(): Promise<void> {
    const { stack } = this.ctx;
    const polled = this.sessions.slice(0, MAX_CHALLENGES_PER_ROUND * 4);
    let answered = 0;
    for (const session of polled) {
      if (answered >= MAX_CHALLENGES_PER_ROUND) break;
      const list = await session.client.json<ChallengesResponse>(
        'GET',
        `/api/sessions/${session.id}/challenges`,
        { bearer: session.secret },
      );
      for (const challenge of list.body?.challenges ?? []) {
        const playlist = stack.playlistUrls.get(challenge.rendition);
        const url = playlist ? (await liveSegments(playlist)).get(challenge.sequence) : undefined;
        if (url === undefined) continue;
        const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
        const tree = await buildMerkleTree(bytes);
        if (challenge.leafIndex >= tree.leafCount) continue;
        const answer = await session.client.json<ChallengeAnswerResponse>(
          'POST',
          `/api/sessions/${session.id}/challenges/${challenge.challengeId}`,
          {
            body: {
              leafHash: bytesToHex(tree.levels[0]![challenge.leafIndex]!),
              siblings: merkleProof(tree, challenge.leafIndex).siblings.map(bytesToHex),
            },
            bearer: session.secret,
          },
        );
        answered += 1;
        if (answer.body?.passed) this.figures.challengesPassed += 1;
        else this.figures.challengesFailed += 1;
      }
    }
  }

  result(): FarmFigures {
    return {
      ...this.figures,
      ticketsObtained: Math.max(this.figures.ticketsObtained, this.ticketCount()),
      sessions: this.sessions.map((s) => ({
        viewerId: s.viewerId,
        address: s.client.address,
        createdAt: s.createdAt,
        creditedBytes: this.creditedAsUploader.get(s.peerId) ?? 0,
      })),
    };
  }

  close(): void {
    for (const socket of this.sockets.values()) socket.close();
  }
}
