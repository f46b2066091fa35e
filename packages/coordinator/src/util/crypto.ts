import {
  createHash,
  randomBytes,
  randomInt as nodeRandomInt,
  randomUUID,
  timingSafeEqual,
} from 'node:crypto';

/** A random secret: 32 bytes, base64url (43 characters). */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 hex of a secret; only this is stored. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex hashes. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A UUID v4. */
export function uuid(): string {
  return randomUUID();
}

/** A random integer in [0, max). */
export function randomInt(max: number): number {
  return nodeRandomInt(max);
}
