import { describe, expect, it } from 'vitest';
import { clientIp } from './client-ip.js';

describe('clientIp', () => {
  it('uses the socket address and folds IPv4-mapped IPv6', () => {
    expect(clientIp('::ffff:10.1.2.3', {}, false)).toBe('10.1.2.3');
    expect(clientIp('::1', {}, false)).toBe('::1');
  });

  it('ignores X-Forwarded-For unless trustProxy is set', () => {
    const headers = { 'x-forwarded-for': '203.0.113.7, 10.0.0.1' };
    expect(clientIp('10.0.0.1', headers, false)).toBe('10.0.0.1');
    expect(clientIp('10.0.0.1', headers, true)).toBe('203.0.113.7');
    expect(clientIp('10.0.0.1', { 'x-forwarded-for': ' ' }, true)).toBe('10.0.0.1');
  });
});
