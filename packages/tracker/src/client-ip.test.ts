import { describe, expect, it } from 'vitest';
import { clientIp, compileTrust } from './client-ip.js';

describe('clientIp', () => {
  it('uses the socket address and folds IPv4-mapped IPv6', () => {
    expect(clientIp('::ffff:10.1.2.3', {}, undefined)).toBe('10.1.2.3');
    expect(clientIp('::1', {}, undefined)).toBe('::1');
  });

  it('ignores X-Forwarded-For unless a proxy is trusted', () => {
    const headers = { 'x-forwarded-for': '203.0.113.7, 198.51.100.9' };
    expect(clientIp('10.0.0.1', headers, compileTrust(false))).toBe('10.0.0.1');
    expect(clientIp('10.0.0.1', { 'x-forwarded-for': ' ' }, compileTrust(true))).toBe('10.0.0.1');
  });

  it('never takes the left-most entry: a client can write it, the proxy appends the real one', () => {
    // The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the address it saw.
    const headers = { 'x-forwarded-for': '1.2.3.4, 203.0.113.7' };
    expect(clientIp('10.0.0.1', headers, compileTrust(true))).toBe('203.0.113.7');
    expect(clientIp('10.0.0.1', headers, compileTrust(1))).toBe('203.0.113.7');
    // Two proxies in a row: the second one's entry names the first proxy.
    const twoHops = { 'x-forwarded-for': '1.2.3.4, 203.0.113.7, 10.0.0.2' };
    expect(clientIp('10.0.0.1', twoHops, compileTrust(2))).toBe('203.0.113.7');
  });

  it('trusts only the listed proxy addresses', () => {
    const headers = { 'x-forwarded-for': '1.2.3.4, 203.0.113.7' };
    expect(clientIp('10.0.0.1', headers, compileTrust('10.0.0.0/8'))).toBe('203.0.113.7');
    expect(clientIp('10.0.0.1', headers, compileTrust(['loopback', '10.0.0.1']))).toBe(
      '203.0.113.7',
    );
    // A connection from an address that is not a listed proxy: its header is not read.
    expect(clientIp('192.0.2.5', headers, compileTrust('10.0.0.0/8'))).toBe('192.0.2.5');
  });
});
