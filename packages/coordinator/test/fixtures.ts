/** Test data: streamers, streams, sessions with real P-256 keys, signed receipt batches, seeded segments. */
import { randomBytes } from 'node:crypto';
import {
  buildMerkleTree,
  bytesToHex,
  encodeReceiptBatch,
  hexToBytes,
  MAX_TICKETS_PER_BATCH,
  RECEIPT_SIGNATURE_ALGORITHM,
  toLowS,
  type MerkleTree,
  type PostReceiptsRequest,
  type ReceiptBody,
  type SessionResponse,
  type StreamResponse,
} from '@streamrp2p/protocol';
import type { Kysely } from 'kysely';
import type { DB } from '../src/index.js';
import { meetingTicket, type Api } from './api.js';

let ipCounter = 1;
/** A fresh client IP per call, so sessions do not trip the same-IP rule by accident. */
export function nextIp(): string {
  ipCounter++;
  return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
}

let streamerCounter = 0;
/**
 * A streamer account, from a client IP on a /24 of its own unless `opts.ip`: accounts per
 * address and per network are capped, and tests create many.
 */
export async function createStreamer(
  api: Api,
  name = 'streamer',
  opts: { ip?: string } = {},
): Promise<{ streamerId: string; apiKey: string }> {
  streamerCounter++;
  const ip = opts.ip ?? `10.${128 + ((streamerCounter >> 8) & 127)}.${streamerCounter & 255}.1`;
  const res = await api.post('/api/streamers', { name }, { ip });
  if (res.status !== 201)
    throw new Error(`createStreamer: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function createStream(
  api: Api,
  apiKey: string,
  hlsUrl = 'http://127.0.0.1:9/live/master.m3u8',
  title = 'test stream',
): Promise<StreamResponse> {
  const res = await api.post('/api/streams', { hlsUrl, title }, { token: apiKey });
  if (res.status !== 201)
    throw new Error(`createStream: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A viewer's receipt key pair, the public half exported raw as the API wants it. */
export async function receiptKeys(): Promise<{ privateKey: CryptoKey; publicKey: string }> {
  const pair = (await crypto.subtle.generateKey(RECEIPT_SIGNATURE_ALGORITHM, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return { privateKey: pair.privateKey, publicKey: Buffer.from(raw).toString('base64url') };
}

export interface TestSession extends SessionResponse {
  privateKey: CryptoKey;
  ip: string;
  streamId: string;
}

export async function createSession(
  api: Api,
  streamId: string,
  opts: { ip?: string; viewerId?: string; viewerSecret?: string } = {},
): Promise<TestSession> {
  const keys = await receiptKeys();
  const ip = opts.ip ?? nextIp();
  const body = {
    streamId,
    publicKey: keys.publicKey,
    ...(opts.viewerId === undefined ? {} : { viewerId: opts.viewerId }),
    ...(opts.viewerSecret === undefined ? {} : { viewerSecret: opts.viewerSecret }),
  };
  const res = await api.post('/api/sessions', body, { ip });
  if (res.status !== 201)
    throw new Error(`createSession: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...res.body, privateKey: keys.privateKey, ip, streamId };
}

/** A receipt as posted (the timestamp defaults to now). */
export function receiptBody(
  fields: Omit<ReceiptBody, 'timestamp'> & { timestamp?: number },
): ReceiptBody {
  return { ...fields, timestamp: fields.timestamp ?? Date.now() };
}

/**
 * Meeting tickets covering `receipts` for `receiver`, as the tracker would have issued them when
 * the pairs signalled: one per uploader, swarm and receipt timestamp (or, past
 * `MAX_TICKETS_PER_BATCH`, one per uploader and swarm at its earliest receipt).
 */
export function ticketsFor(receiver: TestSession, receipts: readonly ReceiptBody[]): string[] {
  const each = new Map<string, { uploader: string; swarm: string; iat: number }>();
  const earliest = new Map<string, { uploader: string; swarm: string; iat: number }>();
  for (const r of receipts) {
    const swarm = `${r.streamId}:${r.rendition}`;
    const pair = `${swarm}|${r.uploaderPeerId}`;
    const ticket = { uploader: r.uploaderPeerId, swarm, iat: r.timestamp };
    each.set(`${pair}|${r.timestamp}`, ticket);
    if ((earliest.get(pair)?.iat ?? Infinity) > r.timestamp) earliest.set(pair, ticket);
  }
  const chosen = each.size <= MAX_TICKETS_PER_BATCH ? each : earliest;
  return [...chosen.values()].map((t) =>
    meetingTicket(receiver.peerId, t.uploader, t.swarm, t.iat),
  );
}

/**
 * The `POST /api/receipts` body for `receipts`, signed once by `receiver` (or by `signAs`), with
 * meeting tickets for its pairs ({@link ticketsFor}) unless `tickets` is given.
 */
export async function signBatch(
  receiver: TestSession,
  receipts: readonly ReceiptBody[],
  opts: { signAs?: CryptoKey; tickets?: string[] } = {},
): Promise<PostReceiptsRequest> {
  const bytes = encodeReceiptBatch({
    receiverSessionId: receiver.sessionId,
    receipts: receipts.map((r) => ({ ...r, root: hexToBytes(r.root) })),
  });
  const signature = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    opts.signAs ?? receiver.privateKey,
    bytes,
  );
  return {
    sessionId: receiver.sessionId,
    receipts: [...receipts],
    signature: Buffer.from(toLowS(new Uint8Array(signature))).toString('base64url'),
    tickets: opts.tickets ?? ticketsFor(receiver, receipts),
  };
}

/** Signs `receipts` as `receiver`'s batch and posts them with its secret. */
export async function postReceipts(api: Api, receiver: TestSession, receipts: ReceiptBody[]) {
  return api.post('/api/receipts', await signBatch(receiver, receipts), {
    token: receiver.sessionSecret,
  });
}

export interface SeededSegment {
  rendition: string;
  sequence: number;
  bytes: Uint8Array;
  tree: MerkleTree;
  root: string;
  byteLength: number;
}

/** Stores a random segment's root as the indexer would (at `indexedAt`, default now). */
export async function seedSegment(
  db: Kysely<DB>,
  streamId: string,
  sequence: number,
  opts: { rendition?: string; byteLength?: number; indexedAt?: Date } = {},
): Promise<SeededSegment> {
  const rendition = opts.rendition ?? 'live_240p_index';
  const bytes = new Uint8Array(randomBytes(opts.byteLength ?? 50_000));
  const tree = await buildMerkleTree(bytes);
  const root = bytesToHex(tree.root);
  await db
    .insertInto('segment_roots')
    .values({
      stream_id: streamId,
      rendition,
      sequence,
      root,
      byte_length: bytes.length,
      indexed_at: opts.indexedAt ?? new Date(),
    })
    .execute();
  return { rendition, sequence, bytes, tree, root, byteLength: bytes.length };
}

/** The receipt fields for `segment` served by `uploader`. */
export function receiptFor(uploader: TestSession, segment: SeededSegment, streamId: string) {
  return {
    uploaderPeerId: uploader.peerId,
    streamId,
    rendition: segment.rendition,
    sequence: segment.sequence,
    root: segment.root,
    byteLength: segment.byteLength,
  };
}
