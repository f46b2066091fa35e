import {
  hexToBytes,
  isValidId,
  MAX_TICKET_LENGTH,
  MAX_TICKETS_PER_BATCH,
} from '@streamrp2p/protocol';
import { ApiError } from '../errors.js';
import { bodyFields } from '../http/validate.js';
import { fromBase64url } from '../sessions/public-key.js';

/** Most receipts in one request. */
export const MAX_RECEIPTS_PER_BATCH = 500;

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
}

/** A `POST /api/receipts` body whose every field, and every receipt, is well-formed. */
export interface ParsedReceiptsRequest {
  sessionId: string;
  receipts: ParsedReceipt[];
  /** The batch signature, IEEE P1363 (64 bytes). */
  signature: Uint8Array<ArrayBuffer>;
  /** The meeting tickets the batch relies on (opaque strings, verified per receipt later). */
  tickets: string[];
}

const RECEIPT_FIELDS = new Set([
  'uploaderPeerId',
  'streamId',
  'rendition',
  'sequence',
  'root',
  'byteLength',
  'timestamp',
]);
const U32_MAX = 0xffffffff;
const isU32 = (v: unknown): v is number =>
  Number.isInteger(v) && (v as number) >= 0 && (v as number) <= U32_MAX;

/**
 * Parses a `PostReceiptsRequest`. Unlike the per-receipt checks, nothing here yields a
 * per-receipt outcome: the batch signature covers every receipt's canonical bytes, so one
 * malformed receipt leaves the whole batch unverifiable (400 `INVALID_RECEIPT`, naming its
 * index). A body without `signature` (the old shape, one signature per receipt) is a 400
 * `VALIDATION_ERROR` that says so.
 */
export function parseReceiptsRequest(input: unknown): ParsedReceiptsRequest {
  const body = bodyFields(input).only('sessionId', 'receipts', 'signature', 'tickets');
  const sessionId = body.id('sessionId');
  const receipts = body.array('receipts');
  if (receipts.length > MAX_RECEIPTS_PER_BATCH) {
    throw new ApiError(
      'BATCH_TOO_LARGE',
      `at most ${MAX_RECEIPTS_PER_BATCH} receipts per request, got ${receipts.length}`,
    );
  }
  const rawSignature = body.raw('signature');
  if (rawSignature === undefined) {
    throw new ApiError(
      'VALIDATION_ERROR',
      'body.signature is missing: the receiver signs the batch once (encodeReceiptBatch), ' +
        'receipts carry no signature of their own',
    );
  }
  const signature = typeof rawSignature === 'string' ? fromBase64url(rawSignature) : undefined;
  if (signature?.length !== 64) {
    throw new ApiError(
      'VALIDATION_ERROR',
      'body.signature must be 64 bytes (IEEE P1363 r||s), base64url',
    );
  }
  const parsed = receipts.map((receipt, index) => {
    const result = parseReceipt(receipt);
    if (typeof result === 'string') {
      throw new ApiError('INVALID_RECEIPT', `receipts[${index}]: ${result}`);
    }
    return result;
  });
  return { sessionId, receipts: parsed, signature, tickets: parseTickets(body.raw('tickets')) };
}

/** `tickets`: absent, or an array of at most `MAX_TICKETS_PER_BATCH` bounded strings. */
function parseTickets(raw: unknown): string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || raw.length > MAX_TICKETS_PER_BATCH) {
    throw new ApiError(
      'VALIDATION_ERROR',
      `body.tickets must be an array of at most ${MAX_TICKETS_PER_BATCH} meeting tickets`,
    );
  }
  for (const [index, ticket] of raw.entries()) {
    if (typeof ticket !== 'string' || ticket === '' || ticket.length > MAX_TICKET_LENGTH) {
      throw new ApiError(
        'VALIDATION_ERROR',
        `body.tickets[${index}] must be a string of 1..${MAX_TICKET_LENGTH} characters`,
      );
    }
  }
  return raw as string[];
}

/** Parses one posted receipt (`ReceiptBody`), or says what is wrong with it. */
export function parseReceipt(input: unknown): ParsedReceipt | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return 'receipt must be an object';
  const r = input as Record<string, unknown>;
  if (Object.hasOwn(r, 'signature')) {
    return 'receipts are not signed one by one: sign the batch and send body.signature';
  }
  const unknown = Object.keys(r).filter((key) => !RECEIPT_FIELDS.has(key));
  if (unknown.length > 0) return `unknown field(s): ${unknown.join(', ')}`;
  if (!isValidId(r.uploaderPeerId)) return 'uploaderPeerId must be an id';
  if (!isValidId(r.streamId)) return 'streamId must be an id';
  if (!isValidId(r.rendition)) return 'rendition must be an id';
  if (!isU32(r.sequence)) return 'sequence must be an integer in 0..2^32-1';
  if (typeof r.root !== 'string' || !/^[0-9a-f]{64}$/.test(r.root))
    return 'root must be 64 lowercase hex characters';
  if (!isU32(r.byteLength)) return 'byteLength must be an integer in 0..2^32-1';
  if (typeof r.timestamp !== 'number' || !Number.isFinite(r.timestamp) || r.timestamp < 0) {
    return 'timestamp must be Unix milliseconds';
  }
  return {
    uploaderPeerId: r.uploaderPeerId,
    streamId: r.streamId,
    rendition: r.rendition,
    sequence: r.sequence,
    root: r.root,
    rootBytes: hexToBytes(r.root),
    byteLength: r.byteLength,
    timestamp: r.timestamp,
  };
}
