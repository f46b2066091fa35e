import { verify, type KeyObject } from 'node:crypto';
import { encodeReceiptBatch, isLowS, ProtocolError } from '@streamrp2p/protocol';
import type { ParsedReceipt } from './parse-receipt.js';

const P1363 = 'ieee-p1363' as const;

/**
 * Whether the receiver signed exactly this batch: ECDSA P-256 / SHA-256 over the canonical
 * `encodeReceiptBatch` bytes (the receiver's session id, then every receipt in the order posted),
 * signature in IEEE P1363 form, with a low S (s <= n/2, see protocol's `toLowS`): of the two
 * forms of one signature only one is accepted, so a batch has one valid signature (decision 27).
 * One check per request, whatever its size: about 70 µs of CPU, which the receipts used to cost
 * each.
 *
 * node:crypto's callback form runs on the libuv threadpool, off the event loop, and skips
 * WebCrypto's per-call WebIDL conversion and promise job.
 */
export function verifyBatchSignature(
  key: KeyObject,
  receiverSessionId: string,
  receipts: readonly ParsedReceipt[],
  signature: Uint8Array,
): Promise<boolean> {
  if (!isLowS(signature)) return Promise.resolve(false);
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = encodeReceiptBatch({
      receiverSessionId,
      receipts: receipts.map((receipt) => ({
        uploaderPeerId: receipt.uploaderPeerId,
        streamId: receipt.streamId,
        rendition: receipt.rendition,
        sequence: receipt.sequence,
        root: receipt.rootBytes,
        byteLength: receipt.byteLength,
        timestamp: receipt.timestamp,
      })),
    });
  } catch (error) {
    if (error instanceof ProtocolError) return Promise.resolve(false);
    throw error;
  }
  return new Promise((resolve, reject) => {
    verify('sha256', bytes, { key, dsaEncoding: P1363 }, signature, (error, valid) =>
      error === null ? resolve(valid) : reject(error),
    );
  });
}
