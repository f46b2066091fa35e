import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTokenAuthenticator, signTrackerToken, verifyTrackerToken } from './auth.js';

const secret = 'test-secret-0123456789';
const now = 1_700_000_000;

describe('tracker tokens', () => {
  it('round-trips a payload', () => {
    const token = signTrackerToken(secret, {
      peerId: 'peer-1',
      streamId: 'stream-9',
      exp: now + 60,
    });
    expect(verifyTrackerToken(secret, token, now)).toEqual({
      ok: true,
      payload: { peerId: 'peer-1', streamId: 'stream-9', exp: now + 60 },
    });
  });

  it('has the documented format', () => {
    const payload = { peerId: 'p', exp: now + 1 };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    const signature = createHmac('sha256', secret).update(body).digest('base64url');
    expect(signTrackerToken(secret, payload)).toBe(`${body}.${signature}`);
  });

  it('rejects an expired token', () => {
    const token = signTrackerToken(secret, { peerId: 'p', exp: now });
    const result = verifyTrackerToken(secret, token, now);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('UNAUTHORIZED');
      expect(result.error.message).toMatch(/expired/);
    }
  });

  it.each([
    [
      'another secret',
      () => signTrackerToken('another-secret-0123456', { peerId: 'p', exp: now + 60 }),
      /signature/,
    ],
    [
      'a tampered payload',
      () => {
        const [, sig] = signTrackerToken(secret, { peerId: 'p', exp: now + 60 }).split('.');
        const body = Buffer.from(JSON.stringify({ peerId: 'admin', exp: now + 60 })).toString(
          'base64url',
        );
        return `${body}.${sig}`;
      },
      /signature/,
    ],
    [
      'a signature with extra characters',
      () => `${signTrackerToken(secret, { peerId: 'p', exp: now + 60 })}A`,
      /signature/,
    ],
    ['no dot', () => 'abc', /payload\.signature/],
    ['three parts', () => 'a.b.c', /payload\.signature/],
    ['an empty token', () => '', /payload\.signature/],
    [
      'a bad peer id',
      () => signTrackerToken(secret, { peerId: 'not valid!', exp: now + 60 }),
      /peerId/,
    ],
    ['a missing exp', () => signTrackerToken(secret, { peerId: 'p' } as never), /exp/],
    [
      'a bad streamId',
      () => signTrackerToken(secret, { peerId: 'p', streamId: 'a:b', exp: now + 60 }),
      /streamId/,
    ],
  ])('rejects %s', (_name, make, message) => {
    const result = verifyTrackerToken(secret, make(), now);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('UNAUTHORIZED');
      expect(result.error.message).toMatch(message);
    }
  });

  it('rejects a signed payload that is not JSON', () => {
    const body = Buffer.from('not json').toString('base64url');
    const token = `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
    const result = verifyTrackerToken(secret, token, now);
    expect(result.ok ? 'ok' : result.error.message).toMatch(/not JSON/);
  });
});

describe('createTokenAuthenticator', () => {
  const authenticate = createTokenAuthenticator(secret);
  const exp = Math.floor(Date.now() / 1000) + 60;

  it('requires a token', async () => {
    const result = await authenticate({ v: 1 }, { ip: '1.2.3.4' });
    expect(result.ok ? 'ok' : result.error.message).toMatch(/auth.token is required/);
  });

  it("grants the token's peer id and stream, ignoring a proposed peer id", async () => {
    const token = signTrackerToken(secret, { peerId: 'from-token', streamId: 's1', exp });
    expect(await authenticate({ v: 1, token, peerId: 'proposed' }, { ip: '1.2.3.4' })).toEqual({
      ok: true,
      peerId: 'from-token',
      streamId: 's1',
    });
  });
});
