/**
 * The attackers' signing: real P-256 keys (node:crypto), receipt batches signed as the SDK signs
 * them (low-S, IEEE P1363, base64url), and the high-S twin of a signature (n - s), which
 * verifies just as well and must still be refused.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { encodeReceiptBatch, hexToBytes, toLowS, type ReceiptBody } from '@streamrp2p/protocol';

/** The order n of the P-256 group. */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

export interface SigningKey {
  privateKey: KeyObject;
  /** Raw uncompressed point, base64url, as `POST /api/sessions` takes it. */
  publicKey: string;
}

export function newSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const raw = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x!, 'base64url'),
    Buffer.from(jwk.y!, 'base64url'),
  ]);
  return { privateKey, publicKey: raw.toString('base64url') };
}

/** The batch signature the coordinator expects for `receipts` posted as `sessionId`. */
export function signBatch(key: SigningKey, sessionId: string, receipts: ReceiptBody[]): string {
  const bytes = encodeReceiptBatch({
    receiverSessionId: sessionId,
    receipts: receipts.map((r) => ({ ...r, root: hexToBytes(r.root) })),
  });
  const raw = sign('sha256', bytes, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return Buffer.from(toLowS(new Uint8Array(raw))).toString('base64url');
}

/** The other valid encoding of the same signature: (r, n - s). */
export function highS(signature: string): string {
  const bytes = Buffer.from(signature, 'base64url');
  const s = BigInt(`0x${bytes.subarray(32).toString('hex')}`);
  const flipped = (P256_ORDER - s).toString(16).padStart(64, '0');
  return Buffer.concat([bytes.subarray(0, 32), Buffer.from(flipped, 'hex')]).toString('base64url');
}
