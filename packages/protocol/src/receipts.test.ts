import { describe, expect, it } from 'vitest';
import { bytesToHex } from './bytes.js';
import { ProtocolError } from './protocol-error.js';
import {
  encodeReceipt,
  encodeReceiptBatch,
  RECEIPT_BATCH_TAG,
  RECEIPT_BATCH_VERSION,
  RECEIPT_SIGNATURE_ALGORITHM,
  RECEIPT_VERSION,
  type BatchedReceipt,
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

  it('round-trips a WebCrypto ECDSA P-256 signature of a batch (IEEE P1363, 64 bytes)', async () => {
    const keys = (await crypto.subtle.generateKey(RECEIPT_SIGNATURE_ALGORITHM, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const raw = await crypto.subtle.exportKey('raw', keys.publicKey);
    expect(raw.byteLength).toBe(65);
    const verifier = await crypto.subtle.importKey('raw', raw, RECEIPT_SIGNATURE_ALGORITHM, false, [
      'verify',
    ]);
    const signed = encodeReceiptBatch(batch);
    const signature = await crypto.subtle.sign(
      RECEIPT_SIGNATURE_ALGORITHM,
      keys.privateKey,
      signed,
    );
    expect(signature.byteLength).toBe(64);
    expect(
      await crypto.subtle.verify(RECEIPT_SIGNATURE_ALGORITHM, verifier, signature, signed),
    ).toBe(true);
    const tampered = encodeReceiptBatch({
      ...batch,
      receipts: [{ ...second, byteLength: second.byteLength + 1 }, second],
    });
    expect(
      await crypto.subtle.verify(RECEIPT_SIGNATURE_ALGORITHM, verifier, signature, tampered),
    ).toBe(false);
  });
});

const { receiverSessionId, ...first } = receipt;
const second: BatchedReceipt = { ...first, sequence: 7, byteLength: 99 };
const batch = { receiverSessionId, receipts: [first, second] };

describe('encodeReceiptBatch', () => {
  it('lays out tag, version, receiver, count, then each length-prefixed receipt encoding', () => {
    const bytes = encodeReceiptBatch(batch);
    const one = encodeReceipt(receipt);
    const two = encodeReceipt({ ...second, receiverSessionId });
    const expected = [
      ...new TextEncoder().encode('streamrp2p/receipt-batch'),
      RECEIPT_BATCH_VERSION,
      3,
      0x72,
      0x78,
      0x31, // "rx1"
      0,
      0,
      0,
      2, // count
      0,
      one.length,
      ...one,
      0,
      two.length,
      ...two,
    ];
    expect(RECEIPT_BATCH_TAG).toHaveLength(24);
    expect(bytesToHex(bytes)).toBe(bytesToHex(Uint8Array.from(expected)));
    expect(bytes.length).toBe(24 + 1 + 4 + 4 + 2 * 2 + one.length + two.length);
  });

  it('encodes an empty batch as its header', () => {
    const bytes = encodeReceiptBatch({ receiverSessionId, receipts: [] });
    expect(bytes.length).toBe(24 + 1 + 4 + 4);
    expect([...bytes.subarray(-4)]).toEqual([0, 0, 0, 0]);
  });

  it('changes when a receipt is changed, removed, added or moved, or the receiver changes', () => {
    const base = bytesToHex(encodeReceiptBatch(batch));
    const variants: ReceiptBatchVariant[] = [
      { receipts: [first, { ...second, sequence: 8 }] },
      { receipts: [first] },
      { receipts: [first, second, second] },
      { receipts: [second, first] },
      { receiverSessionId: 'rx2' },
    ];
    for (const variant of variants)
      expect(bytesToHex(encodeReceiptBatch({ ...batch, ...variant }))).not.toBe(base);
  });

  it('rejects a receipt or receiver it cannot encode with INVALID_ARGUMENT', () => {
    const bad: ReceiptBatchVariant[] = [
      { receiverSessionId: '' },
      { receipts: [first, { ...second, root: new Uint8Array(31) }] },
    ];
    for (const variant of bad) {
      expect(() => encodeReceiptBatch({ ...batch, ...variant })).toThrow(ProtocolError);
    }
  });
});

type ReceiptBatchVariant = Partial<Parameters<typeof encodeReceiptBatch>[0]>;
