/**
 * The `TRUST_PROXY` setting: which `X-Forwarded-For` entry is the client. Express walks the list
 * from the right (the entry the nearest proxy appended) and stops at the first address it does
 * not trust, so a client can prepend whatever it likes without moving that point. `true` would
 * trust every hop and take the left-most entry, which any client writes itself: refused.
 */
import ipaddr from 'ipaddr.js';

/** Express' names for address ranges (proxy-addr). */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Proxies in front of the coordinator: none, a hop count, or their addresses and subnets. */
export type TrustProxy = false | number | string;

function isProxyEntry(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const slash = entry.indexOf('/');
  if (slash === -1) return ipaddr.isValid(entry);
  const [address, range] = [entry.slice(0, slash), entry.slice(slash + 1)];
  if (!ipaddr.isValid(address)) return false;
  if (/^\d{1,3}$/.test(range)) {
    return Number(range) <= (ipaddr.parse(address).kind() === 'ipv4' ? 32 : 128);
  }
  // A netmask (`10.0.0.0/255.0.0.0`), as proxy-addr accepts for IPv4.
  return ipaddr.IPv4.isValid(address) && ipaddr.IPv4.isValid(range);
}

/** The comma-separated entries of a list setting, trimmed. */
export function proxyEntries(list: string): string[] {
  return list.split(',').map((entry) => entry.trim());
}

/**
 * What is wrong with a `trustProxy` value, or undefined when express can use it as is.
 *
 * @example
 * trustProxyProblem(true); // 'a hop count or a list of proxy addresses; true would ...'
 * trustProxyProblem('loopback, 10.0.0.0/8'); // undefined
 */
export function trustProxyProblem(value: unknown): string | undefined {
  if (value === false) return undefined;
  if (value === true) {
    return (
      'a hop count (e.g. 1 behind one reverse proxy) or a list of proxy addresses or subnets ' +
      '(e.g. "loopback, 10.0.0.0/8"); true would take the left-most X-Forwarded-For entry, ' +
      'which any client can write'
    );
  }
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 && value <= 100
      ? undefined
      : 'a hop count in 0..100';
  }
  if (typeof value === 'string') {
    const bad = proxyEntries(value).filter((entry) => !isProxyEntry(entry));
    return bad.length === 0
      ? undefined
      : `a list of proxy addresses, subnets or loopback/linklocal/uniquelocal (bad: ${bad
          .map((e) => JSON.stringify(e))
          .join(', ')})`;
  }
  return 'false, a hop count, or a list of proxy addresses or subnets';
}

/**
 * Parses the `TRUST_PROXY` variable: `false`/empty, a hop count, or a comma-separated list.
 * `true` comes back as `true`, for the config check to refuse with its explanation.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxy | true | undefined {
  const value = raw?.trim();
  if (value === undefined || value === '') return undefined;
  if (value === 'false') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}
