import { describe, expect, it } from 'vitest';
import { isLowS, P256_SIGNATURE_LENGTH, toLowS } from './ecdsa-low-s.js';
import { RECEIPT_SIGNATURE_ALGORITHM } from './receipts.js';

const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

function sOf(signature: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(signature.subarray(32)).toString('hex')}`);
}

function withS(s: bigint): Uint8Array {
  const out = new Uint8Array(P256_SIGNATURE_LENGTH).fill(7, 0, 32);
  out.set(Buffer.from(s.toString(16).padStart(64, '0'), 'hex'), 32);
  return out;
}

describe('low-S ECDSA P-256 signatures', () => {
  it('turns every high-S WebCrypto signature into n - s, which still verifies, and keeps low ones', async () => {
    const keys = (await crypto.subtle.generateKey(RECEIPT_SIGNATURE_ALGORITHM, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const message = new TextEncoder().encode('a receipt batch');
    let high = 0;
    // Each signature is high-S with probability 1/2: 40 of them miss both forms with 2^-39.
    for (let i = 0; i < 40; i++) {
      const raw = new Uint8Array(
        await crypto.subtle.sign(RECEIPT_SIGNATURE_ALGORITHM, keys.privateKey, message),
      );
      const low = toLowS(raw);
      expect(isLowS(low)).toBe(true);
      expect(low.subarray(0, 32)).toEqual(raw.subarray(0, 32));
      if (isLowS(raw)) {
        expect(low).toEqual(raw);
      } else {
        high++;
        expect(sOf(low)).toBe(N - sOf(raw));
      }
      expect(
        await crypto.subtle.verify(RECEIPT_SIGNATURE_ALGORITHM, keys.publicKey, low, message),
      ).toBe(true);
    }
    expect(high).toBeGreaterThan(0);
    expect(high).toBeLessThan(40);
  });

  it('draws the line at n/2 and refuses s = 0, s >= n and other lengths', () => {
    const half = N >> 1n;
    expect(isLowS(withS(1n))).toBe(true);
    expect(isLowS(withS(half))).toBe(true);
    expect(isLowS(withS(half + 1n))).toBe(false);
    expect(isLowS(withS(0n))).toBe(false);
    expect(isLowS(withS(N - 1n))).toBe(false);
    expect(isLowS(withS(N))).toBe(false);
    expect(sOf(toLowS(withS(half + 1n)))).toBe(half);
    expect(sOf(toLowS(withS(N - 1n)))).toBe(1n);
    // Out of range or malformed input is copied unchanged, for the verifier to refuse.
    expect(toLowS(withS(N))).toEqual(withS(N));
    expect(isLowS(new Uint8Array(63))).toBe(false);
    expect(isLowS(new Uint8Array(65).fill(1))).toBe(false);
    const odd = new Uint8Array([1, 2, 3]);
    const copy = toLowS(odd);
    expect(copy).toEqual(odd);
    expect(copy).not.toBe(odd);
  });
});
