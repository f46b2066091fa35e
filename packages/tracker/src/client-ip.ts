import type { IncomingHttpHeaders } from 'node:http';

/** Strips the IPv4-mapped IPv6 prefix, so `::ffff:10.0.0.1` and `10.0.0.1` count as one IP. */
function normalizeIp(ip: string): string {
  const trimmed = ip.trim();
  return trimmed.startsWith('::ffff:') && trimmed.includes('.') ? trimmed.slice(7) : trimmed;
}

/**
 * The client's IP: the socket's remote address, or the first `X-Forwarded-For`
 * entry when `trustProxy` is set (the proxy is trusted to have written it; a
 * client can forge the header, so never trust it without a proxy).
 */
export function clientIp(
  address: string,
  headers: IncomingHttpHeaders,
  trustProxy: boolean,
): string {
  if (trustProxy) {
    const header = headers['x-forwarded-for'];
    const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim();
    if (first) return normalizeIp(first);
  }
  return normalizeIp(address || 'unknown');
}
