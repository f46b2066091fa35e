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
 * The one canonical byte encoding of a receipt, which the SDK signs (ECDSA P-256, SHA-256) and
 * the coordinator verifies:
 *
 * `version u8 | len u8 + streamId | len u8 + rendition | sequence u32 | len u8 + uploaderPeerId |
 *  len u8 + receiverSessionId | root 32 bytes | byteLength u32 | timestamp f64`
 *
 * Strings are UTF-8 with a one-byte length; integers and the float are big-endian.
 *
 * @example
 * const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, encodeReceipt(receipt));
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

/** ECDSA parameters of receipt signatures, for `crypto.subtle.sign/verify` and key generation. */
export const RECEIPT_SIGNATURE_ALGORITHM = {
  name: 'ECDSA',
  namedCurve: 'P-256',
  hash: 'SHA-256',
} as const;
