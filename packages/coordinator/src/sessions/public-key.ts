import { ApiError } from '../errors.js';

const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** Bytes of a base64url string (no padding); undefined when it is not base64url. */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/**
 * Imports a raw uncompressed P-256 public key (65 bytes, base64url) for ECDSA verification;
 * 422 `INVALID_PUBLIC_KEY` when it is not a point on the curve.
 */
export async function importReceiptKey(publicKey: string): Promise<CryptoKey> {
  const raw = fromBase64url(publicKey);
  if (raw === undefined || raw.length !== 65 || raw[0] !== 0x04) {
    throw new ApiError(
      'INVALID_PUBLIC_KEY',
      'publicKey must be a raw uncompressed P-256 point (65 bytes, base64url)',
    );
  }
  try {
    return await crypto.subtle.importKey('raw', raw, P256, false, ['verify']);
  } catch {
    throw new ApiError('INVALID_PUBLIC_KEY', 'publicKey is not a valid P-256 public key');
  }
}
