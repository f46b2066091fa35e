import { parseArgs } from 'node:util';
import { resolveTrackerConfig, type TrackerOptions } from './config.js';

/** Port the command listens on unless `--port` says otherwise. */
export const CLI_DEFAULT_PORT = 8090;

export const CLI_HELP = `Usage: streamrp2p-tracker [options]

Runs the StreamrP2P signalling tracker (socket.io, websocket transport) with
/healthz, /stats and /metrics on the same port.

Options:
  --port <n>                    TCP port (default ${CLI_DEFAULT_PORT}; 0 picks a free one)
  --host <addr>                 interface (default 127.0.0.1; use 0.0.0.0 to accept other machines)
  --secret <s>                  shared HMAC secret; requires tokens from the coordinator
                                (default: env TRACKER_SECRET; unset means open mode)
  --max-peers-per-ip <n>        sockets per IP per swarm (default 3)
  --max-swarms-per-socket <n>   swarms one socket may join (default 4)
  --max-sockets-per-ip <n>      connections per IP, all swarms together (default 32)
  --max-peers-per-join <n>      peers returned by join and peers (default 20)
  --redis-url <url>             cluster mode: share swarms with other trackers on this Redis
                                (default: env REDIS_URL; unset means one process, in memory)
  --key-prefix <s>              prefix of Redis keys and channels (default streamrp2p:tracker:)
  --member-ttl <ms>             cluster mode: a dead process's peers expire after this (default 15000)
  --trust-proxy                 trust one proxy hop: the client IP is the X-Forwarded-For entry
                                your proxy appended (behind your own proxy only)
  --trusted-proxies <v>         a hop count, or proxy addresses/CIDRs (comma-separated,
                                also loopback, linklocal, uniquelocal) (default: env TRUST_PROXY)
  -h, --help                    show this help

Environment:
  TRACKER_SECRET                the secret, when --secret is not given
  REDIS_URL                     the Redis URL, when --redis-url is not given
  TRUST_PROXY                   --trusted-proxies, when neither proxy flag is given
  DEBUG=streamrp2p:tracker:*    log what the tracker does
`;

/** What the command should do. */
export type CliCommand =
  { kind: 'help' } | { kind: 'run'; options: TrackerOptions } | { kind: 'error'; message: string };

function integerFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`--${name} must be a whole number, got "${value}"`);
  return Number(value);
}

/** `--trust-proxy` (one hop) or `--trusted-proxies` / `TRUST_PROXY`: a hop count or a list. */
function trustProxyOption(
  flag: boolean | undefined,
  value: string | undefined,
): TrackerOptions['trustProxy'] {
  if (flag !== undefined && value !== undefined)
    throw new Error('give either --trust-proxy or --trusted-proxies, not both');
  if (value === undefined) return flag;
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

/**
 * Turns command-line arguments and the environment into tracker options, and
 * validates them fully (the same checks `createTracker` runs), so a bad flag is
 * reported before anything starts. The environment is read only here.
 */
export function parseCliOptions(argv: string[], env: NodeJS.ProcessEnv): CliCommand {
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        secret: { type: 'string' },
        'max-peers-per-ip': { type: 'string' },
        'max-swarms-per-socket': { type: 'string' },
        'max-peers-per-join': { type: 'string' },
        'redis-url': { type: 'string' },
        'key-prefix': { type: 'string' },
        'member-ttl': { type: 'string' },
        'trust-proxy': { type: 'boolean' },
        'trusted-proxies': { type: 'string' },
        'max-sockets-per-ip': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) return { kind: 'help' };
    const secret = values.secret ?? (env.TRACKER_SECRET === '' ? undefined : env.TRACKER_SECRET);
    const maxPeersPerJoin = integerFlag('max-peers-per-join', values['max-peers-per-join']);
    const options: TrackerOptions = {
      port: integerFlag('port', values.port) ?? CLI_DEFAULT_PORT,
      host: values.host,
      secret,
      maxPeersPerIpPerSwarm: integerFlag('max-peers-per-ip', values['max-peers-per-ip']),
      maxSwarmsPerSocket: integerFlag('max-swarms-per-socket', values['max-swarms-per-socket']),
      maxPeersPerJoin,
      // A larger list needs a larger candidate pool; keep the pool's default otherwise.
      candidatePoolSize:
        maxPeersPerJoin !== undefined && maxPeersPerJoin > 100 ? maxPeersPerJoin : undefined,
      maxSocketsPerIp: integerFlag('max-sockets-per-ip', values['max-sockets-per-ip']),
      trustProxy: trustProxyOption(
        values['trust-proxy'],
        values['trusted-proxies'] ?? (env.TRUST_PROXY === '' ? undefined : env.TRUST_PROXY),
      ),
      redisUrl: values['redis-url'] ?? (env.REDIS_URL === '' ? undefined : env.REDIS_URL),
      keyPrefix: values['key-prefix'],
      memberTtl: integerFlag('member-ttl', values['member-ttl']),
    };
    resolveTrackerConfig(options);
    return { kind: 'run', options };
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}
