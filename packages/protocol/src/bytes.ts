/**
 * Small byte helpers shared by the wire formats: type guards, hex, equality, concatenation.
 * Pure functions with no dependencies; they run unchanged in browsers and Node.
 */

/**
 * Whether `value` is a `Uint8Array` (a Node `Buffer` counts), including one from another realm
 * such as an iframe or a worker.
 *
 * @example
 * isUint8Array(new Uint8Array(4)); // true
 * isUint8Array([1, 2, 3]); // false
 */
export function isUint8Array(value: unknown): value is Uint8Array {
  if (value instanceof Uint8Array) return true;
  // Typed arrays from another realm fail `instanceof` but keep their tag.
  return (
    ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Uint8Array]'
  );
}

/**
 * Throws a `TypeError` naming `name` unless `value` is a `Uint8Array`.
 *
 * @example
 * assertUint8Array(segment, 'segment bytes');
 */
export function assertUint8Array(value: unknown, name: string): asserts value is Uint8Array {
  if (!isUint8Array(value)) {
    throw new TypeError(`${name} must be a Uint8Array, got ${describe(value)}`);
  }
}

const HEX_DIGITS = '0123456789abcdef';
const BYTE_TO_HEX: readonly string[] = Array.from(
  { length: 256 },
  (_, b) => HEX_DIGITS[b >> 4]! + HEX_DIGITS[b & 15]!,
);

/**
 * Lower-case hex encoding of `bytes`, two digits per byte, no prefix.
 *
 * @example
 * bytesToHex(new Uint8Array([0, 171, 255])); // '00abff'
 */
export function bytesToHex(bytes: Uint8Array): string {
  assertUint8Array(bytes, 'bytes');
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += BYTE_TO_HEX[bytes[i]!]!;
  return out;
}

/**
 * Decodes a hex string (upper or lower case, no `0x` prefix, even length).
 * Throws a `TypeError` for a non-string and a `RangeError` for malformed hex, so an untrusted
 * string can never decode to something shorter or different than it looks.
 *
 * @example
 * hexToBytes('00abFF'); // Uint8Array [0, 171, 255]
 */
export function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  if (typeof hex !== 'string') {
    throw new TypeError(`hex must be a string, got ${describe(hex)}`);
  }
  if (hex.length % 2 !== 0) {
    throw new RangeError(`hex string has odd length ${hex.length}`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexDigitValue(hex.charCodeAt(2 * i));
    const lo = hexDigitValue(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) {
      const at = hi < 0 ? 2 * i : 2 * i + 1;
      throw new RangeError(`invalid hex character ${JSON.stringify(hex[at])} at index ${at}`);
    }
    out[i] = (hi << 4) | lo;
  }
  return out;
}

function hexDigitValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  return -1;
}

/**
 * Compares two byte arrays in time that depends only on their lengths, not on where they differ,
 * so comparing a secret or a root gives no timing hint about how many leading bytes matched.
 * Arrays of different lengths are unequal (lengths are not secret here).
 *
 * @example
 * constantTimeEqual(rootA, rootB); // true when every byte matches
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  assertUint8Array(a, 'a');
  assertUint8Array(b, 'b');
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * Concatenates byte arrays into one new array (the inputs are not modified).
 *
 * @example
 * concatBytes(new Uint8Array([1]), new Uint8Array([2, 3])); // Uint8Array [1, 2, 3]
 */
export function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0;
  for (const [i, part] of parts.entries()) {
    assertUint8Array(part, `part ${i}`);
    length += part.length;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return value.constructor?.name ?? 'object';
}
