import { describe, expect, it } from 'vitest';
import { bytesToHex } from './bytes.js';
import { ProtocolError } from './protocol-error.js';
import {
  encodeReceipt,
  RECEIPT_SIGNATURE_ALGORITHM,
  RECEIPT_VERSION,
  type Receipt,
} from './receipts.js';

const root = Uint8Array.from({ length: 32 }, (_, i) => i);

const receipt: Receipt = {
  uploaderPeerId: 'up',
  receiverSessionId: 'rx1',
  streamId: 's',
  rendition: 'r0',
  sequence: 0x01020304,
  root,
  byteLength: 0x0a0b0c0d,
  timestamp: 1_700_000_000_000,
};

describe('encodeReceipt', () => {
  it('lays out version, length-prefixed strings, big-endian integers, root and f64 timestamp', () => {
    const bytes = encodeReceipt(receipt);
    const f64 = new Uint8Array(8);
    new DataView(f64.buffer).setFloat64(0, receipt.timestamp);
    const expected = [
      RECEIPT_VERSION,
      1,
      0x73, // "s"
      2,
      0x72,
      0x30, // "r0"
      0x01,
      0x02,
      0x03,
      0x04, // sequence
      2,
      0x75,
      0x70, // "up"
      3,
      0x72,
      0x78,
      0x31, // "rx1"
      ...root,
      0x0a,
      0x0b,
      0x0c,
      0x0d, // byteLength
      ...f64,
    ];
    expect(bytesToHex(bytes)).toBe(bytesToHex(Uint8Array.from(expected)));
    expect(bytes.length).toBe(1 + 2 + 3 + 4 + 3 + 4 + 32 + 4 + 8);
    expect(bytesToHex(f64)).toBe('4278bcfe56800000');
  });

  it('encodes UTF-8 lengths in bytes, not characters', () => {
    const bytes = encodeReceipt({ ...receipt, streamId: 'é' });
    expect([...bytes.subarray(1, 4)]).toEqual([2, 0xc3, 0xa9]);
  });

  it('changes when any field changes', () => {
    const base = bytesToHex(encodeReceipt(receipt));
    const variants: Partial<Receipt>[] = [
      { uploaderPeerId: 'uq' },
      { receiverSessionId: 'rx2' },
      { streamId: 't' },
      { rendition: 'r1' },
      { sequence: 5 },
      { root: Uint8Array.from(root, (b) => b ^ 1) },
      { byteLength: 1 },
      { timestamp: receipt.timestamp + 0.5 },
    ];
    for (const variant of variants)
      expect(bytesToHex(encodeReceipt({ ...receipt, ...variant }))).not.toBe(base);
  });

  it('rejects values it cannot encode with INVALID_ARGUMENT', () => {
    const bad: Partial<Receipt>[] = [
      { streamId: '' },
      { rendition: 'x'.repeat(256) },
      { uploaderPeerId: '' },
      { receiverSessionId: 'é'.repeat(128) },
      { sequence: -1 },
      { sequence: 2 ** 32 },
      { sequence: 1.5 },
      { byteLength: Number.NaN },
      { root: new Uint8Array(31) },
      { root: [...root] as unknown as Uint8Array },
      { timestamp: -1 },
      { timestamp: Number.POSITIVE_INFINITY },
    ];
    for (const variant of bad) {
      let error: unknown;
      try {
        encodeReceipt({ ...receipt, ...variant });
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(Object.keys(variant))).toBeInstanceOf(ProtocolError);
      expect((error as ProtocolError).code).toBe('INVALID_ARGUMENT');
    }
    expect(() => encodeReceipt({ ...receipt, rendition: 'x'.repeat(255) })).not.toThrow();
  });

  it('round-trips a WebCrypto ECDSA P-256 signature (IEEE P1363, 64 bytes)', async () => {
    const keys = (await crypto.subtle.generateKey(RECEIPT_SIGNATURE_ALGORITHM, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const raw = await crypto.subtle.exportKey('raw', keys.publicKey);
    expect(raw.byteLength).toBe(65);
    const verifier = await crypto.subtle.importKey('raw', raw, RECEIPT_SIGNATURE_ALGORITHM, false, [
      'verify',
    ]);
    const signature = await crypto.subtle.sign(
      RECEIPT_SIGNATURE_ALGORITHM,
      keys.privateKey,
      encodeReceipt(receipt),
    );
    expect(signature.byteLength).toBe(64);
    expect(
      await crypto.subtle.verify(
        RECEIPT_SIGNATURE_ALGORITHM,
        verifier,
        signature,
        encodeReceipt(receipt),
      ),
    ).toBe(true);
    const tampered = encodeReceipt({ ...receipt, byteLength: receipt.byteLength + 1 });
    expect(
      await crypto.subtle.verify(RECEIPT_SIGNATURE_ALGORITHM, verifier, signature, tampered),
    ).toBe(false);
  });
});
