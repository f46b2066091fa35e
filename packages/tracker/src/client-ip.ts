import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

/**
 * Which proxies are trusted to have appended the client's address to `X-Forwarded-For`, in
 * express' `trust proxy` forms: `false` (none: the socket address), a hop count (`1` = the
 * proxy in front of the tracker; `true` means the same), or addresses, CIDR ranges and the names
 * `loopback`, `linklocal`, `uniquelocal` (an array or a comma-separated string).
 */
export type TrustProxy = boolean | number | string | readonly string[];

/** Decides whether the address `i` hops from the tracker is a trusted proxy. */
export type TrustFunction = (address: string, hop: number) => boolean;

/**
 * Compiles a {@link TrustProxy} setting. Never "trust everything": with every hop trusted the
 * left-most `X-Forwarded-For` entry would win, and any client can write that one.
 */
export function compileTrust(trust: TrustProxy): TrustFunction | undefined {
  if (trust === false || trust === 0) return undefined;
  if (trust === true) return (_address, hop) => hop < 1;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  const list = typeof trust === 'string' ? trust.split(',').map((s) => s.trim()) : [...trust];
  return proxyAddr.compile(list.filter((entry) => entry !== ''));
}

/** Strips the IPv4-mapped IPv6 prefix, so `::ffff:10.0.0.1` and `10.0.0.1` count as one IP. */
function normalizeIp(ip: string): string {
  const trimmed = ip.trim();
  return trimmed.startsWith('::ffff:') && trimmed.includes('.') ? trimmed.slice(7) : trimmed;
}

/**
 * The client's IP: the socket's remote address, or, walking `X-Forwarded-For` from the right,
 * the first address that is not a trusted proxy (see {@link compileTrust}).
 */
export function clientIp(
  address: string,
  headers: IncomingHttpHeaders,
  trust: TrustFunction | undefined,
): string {
  if (trust === undefined || !address) return normalizeIp(address || 'unknown');
  const req = { headers, socket: { remoteAddress: address } } as unknown as IncomingMessage;
  try {
    return normalizeIp(proxyAddr(req, trust));
  } catch {
    // A malformed header entry: fall back to the peer that really connected.
    return normalizeIp(address);
  }
}
