/**
 * Replayed and forged receipts. Two sessions of one attacker on two networks (so no address
 * rule stands in the way), introduced to each other through the tracker with fake signalling.
 * A first, correctly signed batch of real roots is the baseline (itself fabricated: no byte
 * moved); then the same request replayed five times at once, and forgeries of it: a length
 * changed after signing, the high-S twin of a valid signature, a signature by another key,
 * a wrong root and an inflated length signed honestly, another session's bearer, and a ticket
 * with a made-up MAC. Every byte any of them gets credited is fabricated.
 */
import { randomBytes } from 'node:crypto';
import { swarmKey, type ReceiptBody } from '@streamrp2p/protocol';
import { highS, newSigningKey, signBatch } from '../keys.js';
import { AddressClient, errorCode, tally } from '../net.js';
import { indexedSegments, liveSegments, type IndexedSegment } from '../roots.js';
import { HandSession } from '../session-client.js';
import { TrackerSocket } from '../tracker-socket.js';
import type { AttackContext } from './context.js';

const RECEIVER_ADDRESS = '127.0.70.1';
const UPLOADER_ADDRESS = '127.0.71.1';
const RECEIPTS_PER_CASE = 1;
const FRESH_SEGMENTS_TIMEOUT_MS = 40_000;

export interface ForgeryCase {
  name: string;
  /** Status of the request, and its error code when refused whole. */
  status: number;
  code: string | undefined;
  credited: number;
  creditedBytes: number;
  rejections: Record<string, number>;
}

export interface ForgedFigures {
  /** Why the attack could not run, when it could not (sessions refused...). */
  skipped: string | undefined;
  cases: ForgeryCase[];
  /** Bytes credited by the baseline batch (fabricated, but "valid" in form). */
  baselineBytes: number;
  /** The viewer the baseline credited (its credit is fabricated too). */
  uploaderViewerId: string | undefined;
  /** Bytes credited by replays and forgeries (must be 0). */
  forgedBytes: number;
}

async function outcome(
  name: string,
  receipts: ReceiptBody[],
  post: () => ReturnType<HandSession['postReceipts']>,
): Promise<ForgeryCase> {
  const answer = await post();
  const result: ForgeryCase = {
    name,
    status: answer.status,
    code: answer.status === 200 ? undefined : errorCode(answer),
    credited: 0,
    creditedBytes: 0,
    rejections: {},
  };
  for (const r of answer.body?.results ?? []) {
    if (r.status === 'credited') {
      result.credited += 1;
      result.creditedBytes += receipts[r.index]!.byteLength;
    } else tally(result.rejections, r.status === 'rejected' ? r.code : 'duplicate');
  }
  return result;
}

export async function forgeReceipts(ctx: AttackContext): Promise<ForgedFigures> {
  const { stack, clock } = ctx;
  const figures: ForgedFigures = {
    skipped: undefined,
    cases: [],
    baselineBytes: 0,
    uploaderViewerId: undefined,
    forgedBytes: 0,
  };
  const receiverApi = new AddressClient(stack.coordinatorUrl, RECEIVER_ADDRESS);
  const uploaderApi = new AddressClient(stack.coordinatorUrl, UPLOADER_ADDRESS);
  const receiver = await HandSession.create(
    receiverApi,
    stack.streamId,
    newSigningKey(),
    clock.now(),
  );
  const uploader = await HandSession.create(
    uploaderApi,
    stack.streamId,
    newSigningKey(),
    clock.now(),
  );
  if (typeof receiver === 'string' || typeof uploader === 'string') {
    figures.skipped = `sessions refused: ${String(receiver)} / ${String(uploader)}`;
    return figures;
  }
  const swarm = swarmKey({ streamId: stack.streamId, rendition: stack.topRendition });
  const sockets = await Promise.all([
    TrackerSocket.connect(stack.trackerUrl, RECEIVER_ADDRESS, receiver.session.trackerToken),
    TrackerSocket.connect(stack.trackerUrl, UPLOADER_ADDRESS, uploader.session.trackerToken),
  ]);
  let ticket: string | undefined;
  if (typeof sockets[0] !== 'string' && typeof sockets[1] !== 'string') {
    const [r, u] = sockets;
    await r.join(stack.streamId, stack.topRendition);
    await u.join(stack.streamId, stack.topRendition);
    await r.signal(swarm, uploader.peerId, 'offer');
    await u.signal(swarm, receiver.peerId, 'answer');
    await new Promise((resolve) => setTimeout(resolve, 300));
    ticket = r.tickets.get(uploader.peerId) ?? u.tickets.get(receiver.peerId);
  }
  // Use segments published after both sessions started, so only the forgery differs.
  const playlist = stack.playlistUrls.get(stack.topRendition)!;
  const edge = Math.max(-1, ...(await liveSegments(playlist)).keys());
  let segments: IndexedSegment[] = [];
  const deadline = Date.now() + FRESH_SEGMENTS_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const all = await indexedSegments(receiverApi, stack.streamId, stack.topRendition, playlist);
    segments = all.filter((s) => s.sequence > edge);
    if (segments.length >= RECEIPTS_PER_CASE * 6) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  if (segments.length < RECEIPTS_PER_CASE * 6) {
    figures.skipped = `only ${segments.length} new segments indexed in time`;
    for (const socket of sockets) if (typeof socket !== 'string') socket.close();
    return figures;
  }
  const receiptsFrom = (offset: number): ReceiptBody[] =>
    segments.slice(offset * RECEIPTS_PER_CASE, (offset + 1) * RECEIPTS_PER_CASE).map((s) => ({
      uploaderPeerId: uploader.peerId,
      streamId: stack.streamId,
      rendition: s.rendition,
      sequence: s.sequence,
      root: s.root,
      byteLength: s.byteLength,
      timestamp: clock.now(),
    }));
  const tickets = ticket ? [ticket] : [];
  const cases: ForgeryCase[] = [];

  const baseline = receiptsFrom(0);
  const baselineSignature = signBatch(receiver.key, receiver.id, baseline);
  cases.push(
    await outcome('baseline (signed, real roots)', baseline, () =>
      receiver.postReceipts(baseline, { tickets, signature: baselineSignature }),
    ),
  );
  const replays = await Promise.all(
    Array.from({ length: 5 }, () =>
      outcome('replay of the baseline request', baseline, () =>
        receiver.postReceipts(baseline, { tickets, signature: baselineSignature }),
      ),
    ),
  );
  cases.push(...replays);

  const tampered = receiptsFrom(1);
  const tamperedSignature = signBatch(receiver.key, receiver.id, tampered);
  tampered[0] = { ...tampered[0]!, byteLength: tampered[0]!.byteLength * 2 };
  cases.push(
    await outcome('length changed after signing', tampered, () =>
      receiver.postReceipts(tampered, { tickets, signature: tamperedSignature }),
    ),
  );

  const flipped = receiptsFrom(2);
  cases.push(
    await outcome('high-S twin of a valid signature', flipped, () =>
      receiver.postReceipts(flipped, {
        tickets,
        signature: highS(signBatch(receiver.key, receiver.id, flipped)),
      }),
    ),
  );

  const otherKey = receiptsFrom(3);
  cases.push(
    await outcome('signed by another key', otherKey, () =>
      receiver.postReceipts(otherKey, {
        tickets,
        signature: signBatch(newSigningKey(), receiver.id, otherKey),
      }),
    ),
  );

  const wrongRoot = receiptsFrom(4).map((r) => ({ ...r, root: randomBytes(32).toString('hex') }));
  cases.push(
    await outcome('wrong root, signed', wrongRoot, () =>
      receiver.postReceipts(wrongRoot, { tickets }),
    ),
  );

  const inflated = receiptsFrom(5).map((r) => ({ ...r, byteLength: r.byteLength * 10 }));
  cases.push(
    await outcome('inflated length, signed', inflated, () =>
      receiver.postReceipts(inflated, { tickets }),
    ),
  );

  const stolenBearer = receiptsFrom(4);
  cases.push(
    await outcome("another session's bearer", stolenBearer, () =>
      receiver.postReceipts(stolenBearer, { tickets, bearer: uploader.secret }),
    ),
  );

  const forgedTicket = receiptsFrom(5);
  const fakeTicket = ticket
    ? `${ticket.split('.')[0]}.${randomBytes(32).toString('base64url')}`
    : `${Buffer.from(
        JSON.stringify({
          v: 1,
          swarm,
          peers: [receiver.peerId, uploader.peerId].sort(),
          iat: Date.now(),
        }),
      ).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
  cases.push(
    await outcome('made-up meeting ticket', forgedTicket, () =>
      receiver.postReceipts(forgedTicket, { tickets: [fakeTicket] }),
    ),
  );

  for (const socket of sockets) if (typeof socket !== 'string') socket.close();
  figures.cases = cases;
  figures.baselineBytes = cases[0]!.creditedBytes;
  figures.uploaderViewerId = uploader.viewerId;
  figures.forgedBytes = cases.slice(1).reduce((sum, c) => sum + c.creditedBytes, 0);
  ctx.log(
    `forged: baseline credited ${figures.baselineBytes} B, replays and forgeries ${figures.forgedBytes} B`,
  );
  return figures;
}
