import { ProtocolError, ProtocolErrorCode } from './protocol-error.js';
import { HASH_SIZE } from './merkle.js';

/** Version byte of the canonical receipt encoding. */
export const RECEIPT_VERSION = 1;

/**
 * What a receiver attests after verifying a segment it got from a peer: the uploader served
 * these bytes of this segment, whose Merkle root matched, at this time.
 */
export interface Receipt {
  /** Peer id (assigned by the coordinator) of the viewer that uploaded the segment. */
  uploaderPeerId: string;
  /** Session id of the viewer that received it (and signs the receipt). */
  receiverSessionId: string;
  streamId: string;
  rendition: string;
  sequence: number;
  /** Merkle root of the segment, 32 bytes. */
  root: Uint8Array;
  /** Segment length in bytes. */
  byteLength: number;
  /** When the segment was verified, Unix milliseconds. */
  timestamp: number;
}

const encoder = new TextEncoder();

function invalid(message: string): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.INVALID_ARGUMENT, message);
}

function text(value: string, name: string): Uint8Array {
  const bytes = encoder.encode(value);
  if (bytes.length === 0 || bytes.length > 255)
    throw invalid(`receipt ${name} must be 1-255 bytes`);
  return bytes;
}

function u32(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw invalid(`receipt ${name} must be an integer in 0..2^32-1`);
  }
  return value;
}

/**
 * The one canonical byte encoding of a receipt. Receipts are not signed one by one: the receiver
 * signs a batch of them, whose encoding ({@link encodeReceiptBatch}) holds each of these:
 *
 * `version u8 | len u8 + streamId | len u8 + rendition | sequence u32 | len u8 + uploaderPeerId |
 *  len u8 + receiverSessionId | root 32 bytes | byteLength u32 | timestamp f64`
 *
 * Strings are UTF-8 with a one-byte length; integers and the float are big-endian.
 *
 * @example
 * const bytes = encodeReceipt(receipt); // 1 + 4 + 32 + 4 + 8 bytes plus the four strings
 */
export function encodeReceipt(receipt: Receipt): Uint8Array<ArrayBuffer> {
  const parts = [
    text(receipt.streamId, 'streamId'),
    text(receipt.rendition, 'rendition'),
    text(receipt.uploaderPeerId, 'uploaderPeerId'),
    text(receipt.receiverSessionId, 'receiverSessionId'),
  ];
  if (!(receipt.root instanceof Uint8Array) || receipt.root.length !== HASH_SIZE) {
    throw invalid(`receipt root must be ${HASH_SIZE} bytes`);
  }
  if (!Number.isFinite(receipt.timestamp) || receipt.timestamp < 0) {
    throw invalid('receipt timestamp must be a non-negative number of milliseconds');
  }
  const [stream, rendition, uploader, receiver] = parts as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
  ];
  const size =
    1 +
    1 +
    stream.length +
    1 +
    rendition.length +
    4 +
    1 +
    uploader.length +
    1 +
    receiver.length +
    32 +
    4 +
    8;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  out[at++] = RECEIPT_VERSION;
  const putText = (bytes: Uint8Array) => {
    out[at++] = bytes.length;
    out.set(bytes, at);
    at += bytes.length;
  };
  putText(stream);
  putText(rendition);
  view.setUint32(at, u32(receipt.sequence, 'sequence'));
  at += 4;
  putText(uploader);
  putText(receiver);
  out.set(receipt.root, at);
  at += 32;
  view.setUint32(at, u32(receipt.byteLength, 'byteLength'));
  at += 4;
  view.setFloat64(at, receipt.timestamp);
  return out;
}

/** ECDSA parameters of receipt batch signatures, for `crypto.subtle.sign/verify` and key generation. */
export const RECEIPT_SIGNATURE_ALGORITHM = {
  name: 'ECDSA',
  namedCurve: 'P-256',
  hash: 'SHA-256',
} as const;

/**
 * Domain-separation tag that opens every encoded receipt batch (24 ASCII bytes), so a batch
 * signature can never be mistaken for a signature over anything else the session key signs.
 */
export const RECEIPT_BATCH_TAG = 'streamrp2p/receipt-batch';

/** Version byte of the canonical receipt batch encoding (it follows the tag). */
export const RECEIPT_BATCH_VERSION = 1;

/** A receipt inside a batch: the batch names the receiver once for all its receipts. */
export type BatchedReceipt = Omit<Receipt, 'receiverSessionId'>;

/** What a receiver signs once per `POST /api/receipts`: its session and the receipts, in order. */
export interface ReceiptBatch {
  /** Session id of the viewer that received the segments and signs the batch. */
  receiverSessionId: string;
  receipts: readonly BatchedReceipt[];
}

const BATCH_TAG_BYTES = encoder.encode(RECEIPT_BATCH_TAG);

/**
 * The one canonical byte encoding of a receipt batch, which the receiver signs once (ECDSA
 * P-256, SHA-256, {@link RECEIPT_SIGNATURE_ALGORITHM}) and the coordinator verifies once:
 *
 * `tag 24 bytes "streamrp2p/receipt-batch" | version u8 | len u8 + receiverSessionId |
 *  count u32 | count x (len u16 + encodeReceipt(receipt with receiverSessionId))`
 *
 * Each receipt keeps its own canonical encoding (which names the receiver too), length-prefixed
 * and in the order posted, so adding, removing, changing or reordering any receipt changes the
 * bytes. Integers are big-endian. Throws `INVALID_ARGUMENT` for a receipt `encodeReceipt` refuses.
 *
 * @example
 * const bytes = encodeReceiptBatch({ receiverSessionId: session.sessionId, receipts });
 * const signature = await crypto.subtle.sign(RECEIPT_SIGNATURE_ALGORITHM, key, bytes);
 */
export function encodeReceiptBatch(batch: ReceiptBatch): Uint8Array<ArrayBuffer> {
  const { receiverSessionId, receipts } = batch;
  const receiver = text(receiverSessionId, 'receiverSessionId');
  u32(receipts.length, 'count');
  const encoded = receipts.map((receipt) => encodeReceipt({ ...receipt, receiverSessionId }));
  let size = BATCH_TAG_BYTES.length + 1 + 1 + receiver.length + 4;
  for (const bytes of encoded) size += 2 + bytes.length; // at most 1 077 bytes: fits a u16
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(BATCH_TAG_BYTES, 0);
  let at = BATCH_TAG_BYTES.length;
  out[at++] = RECEIPT_BATCH_VERSION;
  out[at++] = receiver.length;
  out.set(receiver, at);
  at += receiver.length;
  view.setUint32(at, receipts.length);
  at += 4;
  for (const bytes of encoded) {
    view.setUint16(at, bytes.length);
    out.set(bytes, at + 2);
    at += 2 + bytes.length;
  }
  return out;
}
