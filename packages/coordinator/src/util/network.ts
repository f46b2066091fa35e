/**
 * The address groups the coordinator limits and reasons by. A client's `address` is what one
 * household or machine is likely to share: an IPv4 address (/32) or an IPv6 /64 (one LAN; ISPs
 * hand out /64s or larger). Its `network` is the wider neighbourhood a single operator easily
 * controls: an IPv4 /24 or, for IPv6, the same /64. IPv4-mapped IPv6 (`::ffff:1.2.3.4`) counts as
 * IPv4. Anything unparsable (an empty `req.ip`) groups under itself.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface AddressKeys {
  /** `v4:1.2.3.4` or `v6:2001:db8:0:1::/64`. */
  address: string;
  /** `v4:1.2.3.0/24` or `v6:2001:db8:0:1::/64`. */
  network: string;
}

/** Expands an IPv6 text form to its eight 16-bit groups. */
function ipv6Groups(ip: string): number[] {
  const [head = '', tail] = ip.split('::') as [string, string | undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  let groups = parse(head);
  let rest = tail === undefined ? [] : parse(tail);
  const last = (tail === undefined ? groups : rest).at(-1);
  // A trailing dotted IPv4 part (::ffff:1.2.3.4) is two groups.
  if (last !== undefined && last.includes('.')) {
    const bytes = last.split('.').map(Number);
    const pair = [
      (((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0)).toString(16),
      (((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0)).toString(16),
    ];
    if (tail === undefined) groups = [...groups.slice(0, -1), ...pair];
    else rest = [...rest.slice(0, -1), ...pair];
  }
  const missing = tail === undefined ? 0 : 8 - groups.length - rest.length;
  return [...groups, ...new Array<string>(missing).fill('0'), ...rest].map((g) =>
    Number.parseInt(g, 16),
  );
}

/**
 * The address and network keys of `ip` (as `req.ip` gives it).
 *
 * @example
 * addressKeys('203.0.113.7'); // { address: 'v4:203.0.113.7', network: 'v4:203.0.113.0/24' }
 * addressKeys('::ffff:203.0.113.7'); // the same
 * addressKeys('2001:db8::1'); // { address: 'v6:2001:db8:0:0::/64', network: 'v6:2001:db8:0:0::/64' }
 */
export function addressKeys(ip: string): AddressKeys {
  let v4 = isIPv4(ip) ? ip : undefined;
  if (v4 === undefined && isIPv6(ip)) {
    const groups = ipv6Groups(ip);
    const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
    if (!mapped) {
      const prefix = groups
        .slice(0, 4)
        .map((g) => g.toString(16))
        .join(':');
      const key = `v6:${prefix}::/64`;
      return { address: key, network: key };
    }
    const [hi = 0, lo = 0] = groups.slice(6);
    v4 = [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
  }
  if (v4 === undefined) return { address: `raw:${ip}`, network: `raw:${ip}` };
  const octets = v4.split('.');
  return { address: `v4:${v4}`, network: `v4:${octets.slice(0, 3).join('.')}.0/24` };
}
