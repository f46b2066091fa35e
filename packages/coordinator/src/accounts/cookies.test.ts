import { describe, expect, it } from 'vitest';
import { readCookie, SESSION_COOKIE, sessionCookie } from './cookies.js';

describe('readCookie', () => {
  it('finds a name among others, first occurrence winning', () => {
    expect(readCookie('a=1; streamrp2p_session=abc; b=2', SESSION_COOKIE)).toBe('abc');
    expect(readCookie('x=1;y=2; x=3', 'x')).toBe('1');
    expect(readCookie('xy=1', 'x')).toBeUndefined();
    expect(readCookie(undefined, 'x')).toBeUndefined();
    expect(readCookie('', 'x')).toBeUndefined();
  });

  it('decodes percent-encoding and quotes, and keeps a value that is not valid encoding', () => {
    expect(readCookie('x=a%20b', 'x')).toBe('a b');
    expect(readCookie('x="quoted"', 'x')).toBe('quoted');
    expect(readCookie('x=%E0%A4%A', 'x')).toBe('%E0%A4%A');
    expect(readCookie('x=a=b', 'x')).toBe('a=b');
  });
});

describe('sessionCookie', () => {
  it('is httpOnly, SameSite=Lax, Path=/ with Max-Age, Secure only when asked', () => {
    expect(sessionCookie('t0k', { maxAgeSeconds: 60, secure: false })).toBe(
      'streamrp2p_session=t0k; Path=/; Max-Age=60; HttpOnly; SameSite=Lax',
    );
    expect(sessionCookie('t0k', { maxAgeSeconds: 0, secure: true })).toMatch(
      /Max-Age=0; HttpOnly; SameSite=Lax; Secure$/,
    );
  });
});
