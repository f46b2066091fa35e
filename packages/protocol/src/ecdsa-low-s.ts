/**
 * Low-S ECDSA P-256 signatures. For every valid signature (r, s) the pair (r, n - s) verifies
 * too, so a signature alone does not pin down its bytes: a relay can flip s and post "another"
 * signature of the same batch. The coordinator accepts only the low form (s <= n/2), the rule
 * Bitcoin's BIP 62 chose for the same reason. WebCrypto returns the high form about half of
 * the time, so a client passes every signature through {@link toLowS} before sending it.
 *
 * Signatures are in IEEE P1363 form, as WebCrypto and `dsaEncoding: 'ieee-p1363'` give them:
 * r and s as two 32-byte big-endian integers.
 */

/** Byte length of a P-256 signature in IEEE P1363 form (r || s). */
export const P256_SIGNATURE_LENGTH = 64;

/** The order n of the P-256 group (FIPS 186-4, D.1.2.3). */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const HALF_ORDER = P256_ORDER >> 1n;
const SCALAR_LENGTH = P256_SIGNATURE_LENGTH / 2;

function scalar(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

function scalarBytes(value: bigint): Uint8Array {
  const out = new Uint8Array(SCALAR_LENGTH);
  for (let i = SCALAR_LENGTH - 1; i >= 0; i--) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return out;
}

/** The s half of a 64-byte signature, or undefined for any other length. */
function sOf(signature: Uint8Array): bigint | undefined {
  if (signature.length !== P256_SIGNATURE_LENGTH) return undefined;
  return scalar(signature.subarray(SCALAR_LENGTH));
}

/**
 * Whether `signature` (P1363 r || s) is a P-256 signature in low-S form: 64 bytes with
 * 0 < s <= n/2. Says nothing about whether it verifies.
 *
 * @example
 * if (!isLowS(signature)) return reject('BAD_SIGNATURE');
 */
export function isLowS(signature: Uint8Array): boolean {
  const s = sOf(signature);
  return s !== undefined && s > 0n && s <= HALF_ORDER;
}

/**
 * The low-S form of a P-256 signature (P1363 r || s): when s > n/2, the same r with n - s, which
 * verifies for the same key and message; otherwise a copy of `signature`. Anything that is not
 * 64 bytes is returned as a copy, unchanged, for the verifier to refuse.
 *
 * @example
 * const raw = new Uint8Array(await crypto.subtle.sign(RECEIPT_SIGNATURE_ALGORITHM, key, bytes));
 * const signature = toBase64Url(toLowS(raw));
 */
export function toLowS(signature: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(signature);
  const s = sOf(signature);
  if (s === undefined || s <= HALF_ORDER || s >= P256_ORDER) return out;
  out.set(scalarBytes(P256_ORDER - s), SCALAR_LENGTH);
  return out;
}
