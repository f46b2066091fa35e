import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, verifyNothing, verifyPassword } from './password.js';

// Tests use a cheaper cost where the cost itself is not the point.
const CHEAP = { logN: 10, r: 8, p: 1 };

describe('password hashing', () => {
  it('stores scrypt with its parameters, a 16-byte salt and a 64-byte key, never the password', async () => {
    const stored = await hashPassword('correct horse battery');
    const [alg, logN, r, p, salt, key] = stored.split('$');
    expect([alg, logN, r, p]).toEqual(['scrypt', '15', '8', '1']);
    expect(Buffer.from(salt!, 'base64')).toHaveLength(16);
    expect(Buffer.from(key!, 'base64')).toHaveLength(64);
    expect(stored).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
  });

  it('salts: one password hashes differently each time', async () => {
    const a = await hashPassword('same password', CHEAP);
    const b = await hashPassword('same password', CHEAP);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password', a)).toBe(true);
    expect(await verifyPassword('same password', b)).toBe(true);
  });

  it('verifies hashes of older, weaker parameters and says they need a rehash', async () => {
    const weak = await hashPassword('an older password', CHEAP);
    expect(await verifyPassword('an older password', weak)).toBe(true);
    expect(needsRehash(weak)).toBe(true);
    expect(needsRehash(await hashPassword('a current one'))).toBe(false);
  });

  it('refuses malformed or hostile stored values without throwing', async () => {
    for (const stored of ['', 'plain', 'scrypt$15$8$1$$', 'scrypt$40$8$1$AAAA$AAAA', 'bcrypt$x']) {
      expect(await verifyPassword('whatever1234', stored)).toBe(false);
    }
  });

  it('treats NFC and NFD spellings of one password alike', async () => {
    const stored = await hashPassword('caf\u00e9 au lait', CHEAP);
    expect(await verifyPassword('cafe\u0301 au lait', stored)).toBe(true);
  });

  it('verifyNothing spends a verification and always fails', async () => {
    expect(await verifyNothing('anything at all')).toBe(false);
  });
});
