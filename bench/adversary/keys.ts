/**
 * The attackers' signing: real P-256 keys (node:crypto), receipt batches signed as the SDK signs
 * them (low-S, IEEE P1363, base64url), and the high-S twin of a signature (n - s), which
 * verifies just as well and must still be refused.
 */
import type { ReceiptBody } from '@streamrp2p/protocol';
import { benchKeys, signReceiptBatch, type BenchKeys } from '../coordinator/load-lib.js';

/** The order n of the P-256 group. */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** A P-256 key pair; `publicKey` is the raw point, base64url, as `POST /api/sessions` takes it. */
export type SigningKey = BenchKeys;

export const newSigningKey = benchKeys;

/** The batch signature the coordinator expects for `receipts` posted as `sessionId`. */
export function signBatch(key: SigningKey, sessionId: string, receipts: ReceiptBody[]): string {
  return signReceiptBatch(key.privateKey, sessionId, receipts);
}

/** The other valid encoding of the same signature: (r, n - s). */
export function highS(signature: string): string {
  const bytes = Buffer.from(signature, 'base64url');
  const s = BigInt(`0x${bytes.subarray(32).toString('hex')}`);
  const flipped = (P256_ORDER - s).toString(16).padStart(64, '0');
  return Buffer.concat([bytes.subarray(0, 32), Buffer.from(flipped, 'hex')]).toString('base64url');
}
