import { encodeReceipt, ProtocolError } from '@streamrp2p/protocol';
import type { ParsedReceipt } from './parse-receipt.js';

const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

/**
 * Whether the receiver signed this receipt: ECDSA P-256 / SHA-256 over the canonical
 * `encodeReceipt` bytes with the receiver's session id, signature in IEEE P1363 form.
 */
export async function verifyReceiptSignature(
  key: CryptoKey,
  receiverSessionId: string,
  receipt: ParsedReceipt,
): Promise<boolean> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = encodeReceipt({
      uploaderPeerId: receipt.uploaderPeerId,
      receiverSessionId,
      streamId: receipt.streamId,
      rendition: receipt.rendition,
      sequence: receipt.sequence,
      root: receipt.rootBytes,
      byteLength: receipt.byteLength,
      timestamp: receipt.timestamp,
    });
  } catch (error) {
    if (error instanceof ProtocolError) return false;
    throw error;
  }
  return crypto.subtle.verify(ECDSA_SHA256, key, receipt.signature, bytes);
}
