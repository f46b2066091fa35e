import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  assertUint8Array,
  bytesToHex,
  concatBytes,
  constantTimeEqual,
  hexToBytes,
  isUint8Array,
} from './bytes.js';

describe('bytesToHex / hexToBytes', () => {
  it('round-trips every byte value, lower-case out', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const hex = bytesToHex(all);
    expect(hex).toBe(Buffer.from(all).toString('hex'));
    expect(hexToBytes(hex)).toEqual(all);
    expect(bytesToHex(new Uint8Array(0))).toBe('');
    expect(hexToBytes('')).toEqual(new Uint8Array(0));
  });

  it('accepts upper case and encodes views at an offset', () => {
    expect(hexToBytes('00aBFf')).toEqual(Uint8Array.of(0x00, 0xab, 0xff));
    expect(bytesToHex(Uint8Array.of(1, 2, 3, 4).subarray(1, 3))).toBe('0203');
  });

  it('rejects malformed hex instead of decoding part of it', () => {
    for (const bad of ['0', 'abc', '0x00', 'zz', '0g', 'g0', ' 00', '00 ', '+1', '٠٠']) {
      expect(() => hexToBytes(bad), bad).toThrow(RangeError);
    }
    expect(() => hexToBytes('0g')).toThrow(/invalid hex character "g" at index 1/);
    expect(() => hexToBytes(12 as unknown as string)).toThrow(TypeError);
    expect(() => bytesToHex('00' as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('constantTimeEqual', () => {
  it('is true only for equal lengths and bytes', () => {
    expect(constantTimeEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3))).toBe(true);
    expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
    expect(constantTimeEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 4))).toBe(false);
    expect(constantTimeEqual(Uint8Array.of(0, 2, 3), Uint8Array.of(1, 2, 3))).toBe(false);
    expect(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 3))).toBe(false);
    expect(constantTimeEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2))).toBe(false);
    const every = Uint8Array.from({ length: 64 }, (_, i) => i);
    for (let i = 0; i < every.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const other = every.slice();
        other[i] = other[i]! ^ bit;
        expect(constantTimeEqual(every, other)).toBe(false);
      }
    }
  });

  it('throws a TypeError for non-byte input', () => {
    expect(() => constantTimeEqual('ab' as unknown as Uint8Array, new Uint8Array(2))).toThrow(
      TypeError,
    );
  });
});

describe('concatBytes', () => {
  it('joins parts into a new array', () => {
    const a = Uint8Array.of(1);
    const b = Uint8Array.of(9, 2, 3).subarray(1);
    const joined = concatBytes(a, new Uint8Array(0), b);
    expect(joined).toEqual(Uint8Array.of(1, 2, 3));
    joined[0] = 7;
    expect(a[0]).toBe(1);
    expect(concatBytes()).toEqual(new Uint8Array(0));
    expect(() => concatBytes(a, [2] as unknown as Uint8Array)).toThrow(
      /part 1 must be a Uint8Array/,
    );
  });
});

describe('isUint8Array / assertUint8Array', () => {
  it('accepts Uint8Array, Buffer and arrays from another realm', () => {
    expect(isUint8Array(new Uint8Array(1))).toBe(true);
    expect(isUint8Array(Buffer.from('x'))).toBe(true);
    expect(isUint8Array(runInNewContext('new Uint8Array(2)'))).toBe(true);
  });

  it('rejects everything else with a TypeError naming the argument', () => {
    for (const bad of [null, undefined, 'ab', [1], new ArrayBuffer(2), new Uint16Array(1)]) {
      expect(isUint8Array(bad)).toBe(false);
    }
    expect(isUint8Array(new Uint8ClampedArray(1))).toBe(false);
    expect(isUint8Array(new DataView(new ArrayBuffer(1)))).toBe(false);
    expect(() => assertUint8Array(new ArrayBuffer(2), 'segment')).toThrow(
      new TypeError('segment must be a Uint8Array, got ArrayBuffer'),
    );
    expect(() => assertUint8Array(null, 'root')).toThrow('root must be a Uint8Array, got null');
  });
});
