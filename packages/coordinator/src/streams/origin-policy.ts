/**
 * Which stream URLs the coordinator may fetch. Registering a stream is free, so without a policy
 * anyone could make the indexer GET loopback admin ports, cloud metadata or the LAN behind it.
 * Only http(s) to public unicast addresses passes, unless the operator allow-lists a host name or
 * an address range (the demo and the tests list their loopback origin). The check runs at
 * registration (a clear 422) and again on every connection the indexer opens, on the address it
 * actually connects to, since DNS answers can change after registration.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [Address, number];

/** ipaddr.js range names that are public unicast space; everything else is refused. */
const PUBLIC_RANGES = new Set(['unicast']);

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_-]{1,63})*\.?$/i;

/** Whether `entry` is a host name, an IP address or a CIDR range (config validation). */
export function isAllowListEntry(entry: string): boolean {
  return parseCidr(entry) !== undefined || HOST_NAME.test(entry);
}

function parseCidr(entry: string): Cidr | undefined {
  try {
    if (entry.includes('/')) return ipaddr.parseCIDR(entry);
    const address = ipaddr.parse(entry);
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return undefined;
  }
}

/** The host of a URL without IPv6 brackets or a trailing dot, lower case. */
function bareHost(url: URL): string {
  return url.hostname
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
}

/**
 * The allow-list and the checks built on it.
 *
 * @example
 * const policy = new OriginPolicy(['127.0.0.0/8']);
 * policy.urlProblem('ftp://example.com/x'); // 'only http and https URLs are fetched, got ftp:'
 * await policy.resolvedProblem('http://localhost:8080/live.m3u8'); // allowed: resolves to 127.0.0.1
 */
export class OriginPolicy {
  readonly #hosts: ReadonlySet<string>;
  readonly #ranges: readonly Cidr[];

  constructor(allowList: readonly string[]) {
    const hosts = new Set<string>();
    const ranges: Cidr[] = [];
    for (const entry of allowList) {
      const cidr = parseCidr(entry);
      if (cidr === undefined) hosts.add(entry.replace(/\.$/, '').toLowerCase());
      else ranges.push(cidr);
    }
    this.#hosts = hosts;
    this.#ranges = ranges;
  }

  /** Whether an address may be connected to: public unicast, or inside an allow-listed range. */
  addressAllowed(ip: string): boolean {
    let address: Address;
    try {
      // process() turns IPv4-mapped IPv6 (::ffff:127.0.0.1) into the IPv4 it is.
      address = ipaddr.process(ip);
    } catch {
      return false;
    }
    if (PUBLIC_RANGES.has(address.range())) return true;
    return this.#ranges.some(
      ([range, bits]) => range.kind() === address.kind() && address.match(range, bits),
    );
  }

  /** Whether the URL's host name itself is allow-listed (every address it resolves to passes). */
  hostAllowed(url: URL): boolean {
    return this.#hosts.has(bareHost(url));
  }

  /**
   * Why `href` may not be fetched without resolving it (scheme, an IP literal host), or
   * undefined. Host names are checked by {@link resolvedProblem} and at connection time.
   */
  urlProblem(href: string): string | undefined {
    let url: URL;
    try {
      url = new URL(href);
    } catch {
      return `${href} is not an absolute URL`;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return `only http and https URLs are fetched, got ${url.protocol}`;
    if (this.hostAllowed(url)) return undefined;
    const host = bareHost(url);
    if (isIP(host) !== 0 && !this.addressAllowed(host))
      return `${host} is not a public address (allow it with ORIGIN_ALLOW_LIST)`;
    return undefined;
  }

  /**
   * {@link urlProblem}, then the addresses the host resolves to now. A name that does not
   * resolve passes: it cannot be fetched either, and every connection is checked again.
   */
  async resolvedProblem(href: string, timeoutMs = 3000): Promise<string | undefined> {
    const problem = this.urlProblem(href);
    if (problem !== undefined) return problem;
    const url = new URL(href);
    const host = bareHost(url);
    if (this.hostAllowed(url) || isIP(host) !== 0) return undefined;
    const addresses = await resolveAll(host, timeoutMs);
    const refused = addresses.find((a) => !this.addressAllowed(a.address));
    return refused === undefined
      ? undefined
      : `${host} resolves to ${refused.address}, not a public address (allow it with ORIGIN_ALLOW_LIST)`;
  }

  /**
   * A `lookup` for `net.connect` that refuses a host when any address it resolves to is not
   * allowed (a name answering both a public and a private address is refused whole).
   * Allow-listed host names resolve as usual.
   */
  connectLookup(): LookupFunction {
    return (hostname, options, callback) => {
      const all: LookupAllOptions = { ...options, all: true };
      dnsLookup(hostname, all, (error, addresses) => {
        if (error !== null) {
          callback(error, []);
          return;
        }
        const host = hostname.replace(/\.$/, '').toLowerCase();
        const refused = this.#hosts.has(host)
          ? undefined
          : addresses.find((a) => !this.addressAllowed(a.address));
        if (refused !== undefined) {
          callback(new OriginNotAllowedError(`${hostname} resolves to ${refused.address}`), []);
          return;
        }
        const [first] = addresses;
        if (options.all === true) callback(null, addresses);
        else if (first === undefined) callback(new Error(`${hostname} has no address`), []);
        else callback(null, first.address, first.family);
      });
    };
  }
}

/** A connection the policy refused (its message names the host and address). */
export class OriginNotAllowedError extends Error {
  override readonly name = 'OriginNotAllowedError';
  readonly code = 'ORIGIN_NOT_ALLOWED';
}

/** Every address of `host`; none when it does not resolve within `timeoutMs`. */
function resolveAll(host: string, timeoutMs: number): Promise<LookupAddress[]> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve([]), timeoutMs);
    dnsLookup(host, { all: true }, (error, addresses) => {
      clearTimeout(timer);
      resolve(error === null ? addresses : []);
    });
  });
}
