/**
 * Password hashing with Node's built-in scrypt (no native addon). A hash is stored as
 * `scrypt$<log2 N>$<r>$<p>$<salt base64>$<key base64>`, so the cost can be raised later: a
 * hash made with lower parameters still verifies, and {@link needsRehash} says to store a new
 * one at the next successful sign-in.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt parameters; memory used is 128 x N x r bytes (32 MiB at the defaults). */
export interface ScryptParams {
  /** log2 of the CPU/memory cost N. @default 15 */
  logN: number;
  /** Block size. @default 8 */
  r: number;
  /** Parallelism. @default 1 */
  p: number;
}

export const PASSWORD_PARAMS: Readonly<ScryptParams> = Object.freeze({ logN: 15, r: 8, p: 1 });
const SALT_BYTES = 16;
const KEY_BYTES = 64;
/** Refuse stored parameters beyond this: a tampered row must not exhaust memory. */
const MAX_LOG_N = 20;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = {
    N: 2 ** params.logN,
    r: params.r,
    p: params.p,
    // Node's default cap (32 MiB) is exactly the need at N=2^15, r=8; leave headroom.
    maxmem: 2 * 128 * 2 ** params.logN * params.r + 1024 * 1024,
  };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) =>
      err === null ? resolve(key) : reject(err),
    ),
  );
}

/**
 * The stored form of `password`: a fresh 16-byte salt, a 64-byte key.
 *
 * @example
 * const stored = await hashPassword('correct horse battery');
 * await verifyPassword('correct horse battery', stored); // true
 */
export async function hashPassword(
  password: string,
  params: ScryptParams = PASSWORD_PARAMS,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return [
    'scrypt',
    params.logN,
    params.r,
    params.p,
    salt.toString('base64'),
    key.toString('base64'),
  ].join('$');
}

interface Parsed {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function parse(stored: string): Parsed | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [logN, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![logN, r, p].every((n) => Number.isSafeInteger(n) && n >= 1) || logN > MAX_LOG_N)
    return undefined;
  if (r > 32 || p > 16) return undefined;
  const salt = Buffer.from(parts[4]!, 'base64');
  const key = Buffer.from(parts[5]!, 'base64');
  if (salt.length === 0 || key.length === 0) return undefined;
  return { params: { logN, r, p }, salt, key };
}

/** Whether `password` matches `stored`, compared in constant time; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (parsed === undefined) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** Whether `stored` was made with weaker parameters than {@link PASSWORD_PARAMS}. */
export function needsRehash(stored: string, params: ScryptParams = PASSWORD_PARAMS): boolean {
  const parsed = parse(stored);
  if (parsed === undefined) return true;
  const { logN, r, p } = parsed.params;
  return logN < params.logN || r < params.r || p < params.p;
}

/** A well-formed hash of the current cost that no password matches (random salt and key). */
const DUMMY_HASH = [
  'scrypt',
  PASSWORD_PARAMS.logN,
  PASSWORD_PARAMS.r,
  PASSWORD_PARAMS.p,
  randomBytes(SALT_BYTES).toString('base64'),
  randomBytes(KEY_BYTES).toString('base64'),
].join('$');

/**
 * Spends the time of one verification against a hash no password matches, for an unknown
 * email: answering faster than for a known one would tell which emails have accounts.
 */
export async function verifyNothing(password: string): Promise<false> {
  await verifyPassword(password, DUMMY_HASH);
  return false;
}
