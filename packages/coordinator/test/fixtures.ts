/** Test data: streamers, streams, sessions with real P-256 keys, signed receipt batches, seeded segments. */
import { randomBytes } from 'node:crypto';
import {
  buildMerkleTree,
  bytesToHex,
  encodeReceiptBatch,
  hexToBytes,
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
import type { Api } from './api.js';

let ipCounter = 1;
/** A fresh client IP per call, so sessions do not trip the same-IP rule by accident. */
export function nextIp(): string {
  ipCounter++;
  return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
}

export async function createStreamer(
  api: Api,
  name = 'streamer',
): Promise<{ streamerId: string; apiKey: string }> {
  const res = await api.post('/api/streamers', { name });
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
  opts: { ip?: string; viewerId?: string } = {},
): Promise<TestSession> {
  const keys = await receiptKeys();
  const ip = opts.ip ?? nextIp();
  const body = {
    streamId,
    publicKey: keys.publicKey,
    ...(opts.viewerId === undefined ? {} : { viewerId: opts.viewerId }),
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

/** The `POST /api/receipts` body for `receipts`, signed once by `receiver` (or by `signAs`). */
export async function signBatch(
  receiver: TestSession,
  receipts: readonly ReceiptBody[],
  opts: { signAs?: CryptoKey } = {},
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

/** Stores a random segment's root as the indexer would. */
export async function seedSegment(
  db: Kysely<DB>,
  streamId: string,
  sequence: number,
  opts: { rendition?: string; byteLength?: number } = {},
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
      indexed_at: new Date(),
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
