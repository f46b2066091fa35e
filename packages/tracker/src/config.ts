import { MAX_SIGNAL_BYTES } from '@streamrp2p/protocol';
import type { Authenticator } from './auth.js';
import { compileTrust, type TrustProxy } from './client-ip.js';
import type { PeerDirectory } from './peer-directory.js';
import type { RankPeers } from './ranking.js';
import type { SwarmRegistry } from './swarm-registry.js';

/** Full tracker configuration. Pass a partial one to `createTracker`; see {@link resolveTrackerConfig}. */
export interface TrackerConfig {
  /** TCP port; 0 picks a free one. @default 0 (the command uses 8090) */
  port: number;
  /** Interface to listen on. Use `'0.0.0.0'` to accept other machines. @default '127.0.0.1' */
  host: string;
  /** socket.io endpoint path. @default '/socket.io' */
  path: string;
  /**
   * TCP accept queue length. Node's 511 overflows when thousands of peers
   * (re)connect at once, and every dropped handshake costs its client a 1 s
   * (then 3 s) SYN retransmit; the kernel caps it at `net.core.somaxconn`.
   * @default 4096
   */
  listenBacklog: number;
  /** Shared HMAC secret with the coordinator; when set, every connection needs a valid `auth.token`. @default undefined (open mode) */
  secret: string | undefined;
  /** Custom authentication hook; exclusive with `secret`. @default undefined */
  authenticate: Authenticator | undefined;
  /** Orders candidate peers for `join` and `peers`. @default undefined (random order) */
  rankPeers: RankPeers | undefined;
  /** Most peers returned by `join` and `peers`. @default 20 */
  maxPeersPerJoin: number;
  /** How many random swarm members are drawn and handed to `rankPeers`; at least `maxPeersPerJoin`. @default 100 */
  candidatePoolSize: number;
  /** Most sockets from one IP in one swarm. @default 3 */
  maxPeersPerIpPerSwarm: number;
  /**
   * Most connections from one IP, all swarms together (over every process in cluster mode). A household
   * with a few devices, each with a tab or two, needs under 10; a school or office NAT can need
   * more, so raise it there. @default 32
   */
  maxSocketsPerIp: number;
  /** Most swarms one socket may be in at once. @default 4 */
  maxSwarmsPerSocket: number;
  /** Sustained inbound events per second per socket. @default 50 */
  maxEventsPerSecond: number;
  /** Events a socket may send at once after a quiet period. @default 100 */
  eventBurst: number;
  /** A socket attempting more than `maxEventsPerSecond * floodDisconnectFactor` events in one second is disconnected. @default 10 */
  floodDisconnectFactor: number;
  /** Largest socket.io message in bytes; a bigger one closes that connection. @default 65536 */
  maxHttpBufferSize: number;
  /**
   * Proxies trusted to append the client IP to `X-Forwarded-For` (only behind proxies you run),
   * in express' `trust proxy` forms: a hop count (`true` = 1), or addresses, CIDR ranges and
   * `loopback`/`linklocal`/`uniquelocal` (array or comma-separated). The left-most entry, which
   * any client can write, is never taken unless every hop before it is trusted. @default false
   */
  trustProxy: TrustProxy;
  /**
   * With a `secret`: how often clients should renew a connected pair's meeting ticket (sent in
   * `welcome`). @default 600000 (10 minutes)
   */
  meetingTicketRenewMs: number;
  /**
   * With a `secret`: the oldest meeting ticket the `ticket` event renews. Keep it at most the
   * coordinator's `meetingTicketMaxAgeSeconds`. @default 1800000 (30 minutes)
   */
  meetingTicketMaxAgeMs: number;
  /** How many of the largest swarms `/stats` lists. @default 10 */
  statsTopSwarms: number;
  /** Also export Node process metrics on `/metrics`. @default false */
  collectDefaultMetrics: boolean;
  /** `Access-Control-Allow-Origin` of `/healthz` and `/stats`. @default '*' */
  httpCorsOrigin: string;
  /** Swarm membership store; replace with a shared one to span processes. @default a new InMemorySwarmRegistry */
  registry: SwarmRegistry | undefined;
  /** Peer id ownership store; replace with a shared one to span processes. @default a new InMemoryPeerDirectory */
  peerDirectory: PeerDirectory | undefined;
  /** Cluster mode: a Redis URL shared by several tracker processes (swarms, peer ids and the socket.io adapter live there). Exclusive with `registry` and `peerDirectory`. @default undefined (single process, in memory) */
  redisUrl: string | undefined;
  /** Prefix of every Redis key and channel in cluster mode, so deployments (or tests) can share one Redis. @default 'streamrp2p:tracker:' */
  keyPrefix: string;
  /** Cluster mode: how long (ms) the members of a process outlive its last heartbeat; it beats every third of this. @default 15000 */
  memberTtl: number;
}

/** The options `createTracker` accepts: any subset of {@link TrackerConfig}. */
export type TrackerOptions = Partial<TrackerConfig>;

/** Defaults of every {@link TrackerConfig} field. */
export const DEFAULT_TRACKER_CONFIG: Readonly<TrackerConfig> = Object.freeze({
  port: 0,
  host: '127.0.0.1',
  path: '/socket.io',
  listenBacklog: 4096,
  secret: undefined,
  authenticate: undefined,
  rankPeers: undefined,
  maxPeersPerJoin: 20,
  candidatePoolSize: 100,
  maxPeersPerIpPerSwarm: 3,
  maxSocketsPerIp: 32,
  maxSwarmsPerSocket: 4,
  maxEventsPerSecond: 50,
  eventBurst: 100,
  floodDisconnectFactor: 10,
  maxHttpBufferSize: 64 * 1024,
  trustProxy: false,
  meetingTicketRenewMs: 600_000,
  meetingTicketMaxAgeMs: 1_800_000,
  statsTopSwarms: 10,
  collectDefaultMetrics: false,
  httpCorsOrigin: '*',
  registry: undefined,
  peerDirectory: undefined,
  redisUrl: undefined,
  keyPrefix: 'streamrp2p:tracker:',
  memberTtl: 15_000,
});

/** Shortest accepted `secret`: a guessable secret lets anyone mint tokens. */
export const MIN_SECRET_LENGTH = 16;

/** Room for the socket.io envelope around a signal of {@link MAX_SIGNAL_BYTES}. */
const SIGNAL_ENVELOPE_BYTES = 1024;

const POSITIVE_INTEGERS = [
  'listenBacklog',
  'maxPeersPerJoin',
  'candidatePoolSize',
  'maxPeersPerIpPerSwarm',
  'maxSocketsPerIp',
  'meetingTicketRenewMs',
  'meetingTicketMaxAgeMs',
  'maxSwarmsPerSocket',
  'eventBurst',
  'maxHttpBufferSize',
  'memberTtl',
] as const;

function check(condition: boolean, message: string): void {
  if (!condition) throw new TypeError(`Invalid tracker config: ${message}`);
}

function isTrustProxy(value: unknown): value is TrustProxy {
  if (typeof value === 'boolean' || typeof value === 'string') return true;
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0;
  return Array.isArray(value) && value.every((entry) => typeof entry === 'string');
}

function isPositiveInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/**
 * Merges options over {@link DEFAULT_TRACKER_CONFIG}. `undefined` values are
 * dropped (so `{ port: undefined }` keeps the default), unknown keys, bad values
 * and contradictory settings throw a `TypeError` that says what to change.
 *
 * @example
 * resolveTrackerConfig({ port: 8090, maxPeersPerJoin: 30 });
 */
export function resolveTrackerConfig(options: TrackerOptions = {}): TrackerConfig {
  check(typeof options === 'object' && options !== null, 'options must be an object');
  const config: Record<string, unknown> = { ...DEFAULT_TRACKER_CONFIG };
  for (const [key, value] of Object.entries(options)) {
    check(Object.hasOwn(DEFAULT_TRACKER_CONFIG, key), `unknown option "${key}"`);
    if (value !== undefined) config[key] = value;
  }
  const c = config as unknown as TrackerConfig;

  check(
    Number.isInteger(c.port) && c.port >= 0 && c.port <= 65535,
    `port must be an integer 0-65535, got ${String(c.port)}`,
  );
  check(typeof c.host === 'string' && c.host.length > 0, 'host must be a non-empty string');
  check(typeof c.path === 'string' && c.path.startsWith('/'), 'path must start with "/"');
  for (const key of POSITIVE_INTEGERS) {
    check(isPositiveInteger(c[key]), `${key} must be a positive integer, got ${String(c[key])}`);
  }
  check(
    Number.isInteger(c.statsTopSwarms) && c.statsTopSwarms >= 0,
    'statsTopSwarms must be an integer >= 0',
  );
  check(
    typeof c.maxEventsPerSecond === 'number' &&
      Number.isFinite(c.maxEventsPerSecond) &&
      c.maxEventsPerSecond > 0,
    'maxEventsPerSecond must be a positive number',
  );
  check(
    typeof c.floodDisconnectFactor === 'number' && c.floodDisconnectFactor > 1,
    'floodDisconnectFactor must be a number above 1 (Infinity never disconnects)',
  );
  check(isTrustProxy(c.trustProxy), 'trustProxy must be a boolean, a hop count or proxy addresses');
  try {
    compileTrust(c.trustProxy);
  } catch (err) {
    check(false, `trustProxy: ${err instanceof Error ? err.message : String(err)}`);
  }
  check(
    c.meetingTicketRenewMs < c.meetingTicketMaxAgeMs,
    'meetingTicketRenewMs must be below meetingTicketMaxAgeMs, or tickets expire before renewal',
  );
  check(typeof c.collectDefaultMetrics === 'boolean', 'collectDefaultMetrics must be a boolean');
  check(typeof c.httpCorsOrigin === 'string', 'httpCorsOrigin must be a string');
  if (c.secret !== undefined) {
    check(typeof c.secret === 'string', 'secret must be a string');
    check(
      c.secret.length >= MIN_SECRET_LENGTH,
      `secret must be at least ${MIN_SECRET_LENGTH} characters`,
    );
  }
  check(
    c.authenticate === undefined || typeof c.authenticate === 'function',
    'authenticate must be a function',
  );
  check(
    c.rankPeers === undefined || typeof c.rankPeers === 'function',
    'rankPeers must be a function',
  );
  check(
    c.secret === undefined || c.authenticate === undefined,
    'set either secret (built-in token check) or authenticate (your own), not both',
  );
  if (c.redisUrl !== undefined) {
    check(
      typeof c.redisUrl === 'string' && /^rediss?:\/\//.test(c.redisUrl),
      'redisUrl must start with redis:// or rediss://',
    );
    check(
      c.registry === undefined && c.peerDirectory === undefined,
      'set either redisUrl (Redis registry and directory) or registry/peerDirectory, not both',
    );
  }
  check(
    typeof c.keyPrefix === 'string' && !/\s/.test(c.keyPrefix),
    'keyPrefix must be a string without spaces',
  );
  check(
    c.candidatePoolSize >= c.maxPeersPerJoin,
    `candidatePoolSize (${c.candidatePoolSize}) must be at least maxPeersPerJoin (${c.maxPeersPerJoin})`,
  );
  check(
    c.maxHttpBufferSize >= MAX_SIGNAL_BYTES + SIGNAL_ENVELOPE_BYTES,
    `maxHttpBufferSize must be at least ${MAX_SIGNAL_BYTES + SIGNAL_ENVELOPE_BYTES} so a full signal fits`,
  );
  check(
    c.eventBurst >= 1 && c.eventBurst <= c.maxEventsPerSecond * c.floodDisconnectFactor,
    'eventBurst must not exceed maxEventsPerSecond * floodDisconnectFactor, or a legal burst would count as a flood',
  );
  return c;
}
