import { describe, expect, it } from 'vitest';
import { isAllowListEntry, OriginPolicy } from './origin-policy.js';

describe('OriginPolicy', () => {
  const strict = new OriginPolicy([]);

  it('allows public unicast addresses only', () => {
    for (const ip of ['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111'])
      expect(strict.addressAllowed(ip), ip).toBe(true);
    for (const ip of [
      '127.0.0.1',
      '127.255.0.9',
      '0.0.0.0',
      '10.0.0.1',
      '172.31.255.255',
      '192.168.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '224.0.0.251',
      '255.255.255.255',
      '240.0.0.1',
      '::1',
      '::',
      'fd12:3456::1',
      'fe80::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      '64:ff9b::7f00:1',
      '2002:7f00:1::1',
      'not an address',
    ])
      expect(strict.addressAllowed(ip), ip).toBe(false);
  });

  it('opens ranges and host names from the allow-list, and nothing else', () => {
    const policy = new OriginPolicy(['127.0.0.0/8', 'fd00::/8', 'Origin.LAN.', '192.168.1.7']);
    expect(policy.addressAllowed('127.0.0.2')).toBe(true);
    expect(policy.addressAllowed('::ffff:127.0.0.2')).toBe(true);
    expect(policy.addressAllowed('fd00::5')).toBe(true);
    expect(policy.addressAllowed('192.168.1.7')).toBe(true);
    expect(policy.addressAllowed('192.168.1.8')).toBe(false);
    expect(policy.addressAllowed('::1')).toBe(false);
    expect(policy.hostAllowed(new URL('http://origin.lan:8080/x'))).toBe(true);
    expect(policy.hostAllowed(new URL('http://other.lan/x'))).toBe(false);
  });

  it('finds problems in the URL alone: scheme and address literals in any notation', () => {
    expect(strict.urlProblem('ftp://example.com/a')).toMatch(/only http and https/);
    expect(strict.urlProblem('file:///etc/passwd')).toMatch(/only http and https/);
    expect(strict.urlProblem('nonsense')).toMatch(/not an absolute URL/);
    for (const href of [
      'http://127.0.0.1/a',
      'http://2130706433/a',
      'http://0x7f.1/a',
      'http://[::1]:8080/a',
      'https://[::ffff:7f00:1]/a',
    ])
      expect(strict.urlProblem(href), href).toMatch(/not a public address/);
    expect(strict.urlProblem('https://8.8.8.8/a')).toBeUndefined();
    // Names are judged by what they resolve to.
    expect(strict.urlProblem('http://localhost/a')).toBeUndefined();
  });

  it('resolves names at registration: localhost is refused unless allowed', async () => {
    expect(await strict.resolvedProblem('http://localhost:9/a')).toMatch(
      /localhost resolves to (127\.0\.0\.1|::1), not a public address/,
    );
    expect(await new OriginPolicy(['localhost']).resolvedProblem('http://localhost:9/a')).toBe(
      undefined,
    );
    // A name that does not resolve passes here; the connection is checked when fetched.
    expect(await strict.resolvedProblem('https://cdn.invalid/a')).toBeUndefined();
  });

  it('validates allow-list entries', () => {
    for (const entry of ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', 'origin.lan', 'localhost'])
      expect(isAllowListEntry(entry), entry).toBe(true);
    for (const entry of ['http://x', '10.0.0.0/33', '', 'a b', 'x/y'])
      expect(isAllowListEntry(entry), entry).toBe(false);
  });
});
