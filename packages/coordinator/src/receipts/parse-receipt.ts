import { hexToBytes, isValidId } from '@streamrp2p/protocol';
import { fromBase64url } from '../sessions/public-key.js';
import { reject, type Rejected } from './receipt-codes.js';

/** A receipt whose fields have the right types and sizes. */
export interface ParsedReceipt {
  uploaderPeerId: string;
  streamId: string;
  rendition: string;
  sequence: number;
  root: string;
  rootBytes: Uint8Array;
  byteLength: number;
  timestamp: number;
  signature: Uint8Array<ArrayBuffer>;
}

const U32_MAX = 0xffffffff;
const isU32 = (v: unknown): v is number =>
  Number.isInteger(v) && (v as number) >= 0 && (v as number) <= U32_MAX;

/** Parses one posted receipt (`ReceiptBody`), or says which field is wrong. */
export function parseReceipt(input: unknown): ParsedReceipt | Rejected {
  const bad = (message: string) => reject('INVALID_RECEIPT', message);
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return bad('receipt must be an object');
  const r = input as Record<string, unknown>;
  if (!isValidId(r.uploaderPeerId)) return bad('uploaderPeerId must be an id');
  if (!isValidId(r.streamId)) return bad('streamId must be an id');
  if (!isValidId(r.rendition)) return bad('rendition must be an id');
  if (!isU32(r.sequence)) return bad('sequence must be an integer in 0..2^32-1');
  if (typeof r.root !== 'string' || !/^[0-9a-f]{64}$/.test(r.root))
    return bad('root must be 64 lowercase hex characters');
  if (!isU32(r.byteLength)) return bad('byteLength must be an integer in 0..2^32-1');
  if (typeof r.timestamp !== 'number' || !Number.isFinite(r.timestamp) || r.timestamp < 0) {
    return bad('timestamp must be Unix milliseconds');
  }
  const signature = typeof r.signature === 'string' ? fromBase64url(r.signature) : undefined;
  if (signature?.length !== 64)
    return bad('signature must be 64 bytes (IEEE P1363 r||s), base64url');
  return {
    uploaderPeerId: r.uploaderPeerId,
    streamId: r.streamId,
    rendition: r.rendition,
    sequence: r.sequence,
    root: r.root,
    rootBytes: hexToBytes(r.root),
    byteLength: r.byteLength,
    timestamp: r.timestamp,
    signature,
  };
}

export function isRejected(value: ParsedReceipt | Rejected): value is Rejected {
  return 'code' in value;
}
