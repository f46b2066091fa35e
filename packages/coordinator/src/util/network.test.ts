import { describe, expect, it } from 'vitest';
import { addressKeys } from './network.js';

describe('addressKeys', () => {
  it('groups IPv4 by address and /24', () => {
    expect(addressKeys('203.0.113.7')).toEqual({
      address: 'v4:203.0.113.7',
      network: 'v4:203.0.113.0/24',
    });
  });

  it('treats IPv4-mapped IPv6 as IPv4', () => {
    expect(addressKeys('::ffff:127.0.0.2')).toEqual(addressKeys('127.0.0.2'));
  });

  it('groups IPv6 by /64, however the address is spelled', () => {
    const a = addressKeys('2001:db8:0:1::5');
    expect(a).toEqual({ address: 'v6:2001:db8:0:1::/64', network: 'v6:2001:db8:0:1::/64' });
    expect(addressKeys('2001:0db8:0000:0001:ffff:0:0:9')).toEqual(a);
    expect(addressKeys('2001:db8:0:2::5').address).not.toBe(a.address);
    expect(addressKeys('::1').address).toBe('v6:0:0:0:0::/64');
  });

  it('keeps unparsable input apart instead of throwing', () => {
    expect(addressKeys('')).toEqual({ address: 'raw:', network: 'raw:' });
  });
});
