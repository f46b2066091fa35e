import { generateKeyPairSync, sign } from 'node:crypto';
import { encodeReceiptBatch, isLowS, toLowS } from '@streamrp2p/protocol';
import { describe, expect, it } from 'vitest';
import type { ParsedReceipt } from './parse-receipt.js';
import { verifyBatchSignature } from './verify-signature.js';

const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** The other form of a signature: the same r with n - s. */
function flipS(signature: Uint8Array): Uint8Array<ArrayBuffer> {
  const s = BigInt(`0x${Buffer.from(signature.subarray(32)).toString('hex')}`);
  const out = new Uint8Array(signature);
  out.set(Buffer.from((N - s).toString(16).padStart(64, '0'), 'hex'), 32);
  return out;
}

describe('verifyBatchSignature', () => {
  it('accepts the low-S form of a batch signature and refuses its high-S twin', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const receipts: ParsedReceipt[] = [
      {
        uploaderPeerId: 'up',
        streamId: 's',
        rendition: 'r0',
        sequence: 7,
        root: '00'.repeat(32),
        rootBytes: new Uint8Array(32),
        byteLength: 1000,
        timestamp: 1_700_000_000_000,
      },
    ];
    const bytes = encodeReceiptBatch({
      receiverSessionId: 'rx',
      receipts: receipts.map((r) => ({ ...r, root: r.rootBytes })),
    });
    const signature = sign('sha256', bytes, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    const low = toLowS(signature);
    const high = flipS(low);
    expect(isLowS(high)).toBe(false);
    expect(await verifyBatchSignature(publicKey, 'rx', receipts, low)).toBe(true);
    // Both forms are valid ECDSA; only the low one is accepted.
    expect(await verifyBatchSignature(publicKey, 'rx', receipts, high)).toBe(false);
    expect(await verifyBatchSignature(publicKey, 'other', receipts, low)).toBe(false);
  });
});
