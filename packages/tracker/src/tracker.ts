import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import createDebug from 'debug';
import { Server } from 'socket.io';
import { createTokenAuthenticator } from './auth.js';
import { resolveTrackerConfig, type TrackerConfig, type TrackerOptions } from './config.js';
import { compileTrust } from './client-ip.js';
import { ConnectionCounter, RedisConnectionCounter } from './connection-counter.js';
import { createConnectionGate } from './connection-gate.js';
import { jsonOnlyParser } from './json-only-parser.js';
import { TrackerError } from './errors.js';
import { createHttpHandler } from './http-routes.js';
import { TrackerMetrics } from './metrics.js';
import { InMemoryPeerDirectory, type PeerDirectory } from './peer-directory.js';
import { RedisCluster } from './redis-cluster.js';
import { RedisPeerDirectory } from './redis-peer-directory.js';
import { RedisSwarmRegistry } from './redis-swarm-registry.js';
import { swarmRoom, type TrackerServer } from './socket-types.js';
import { createSessionStarter } from './socket-session.js';
import { InMemorySwarmRegistry, type SwarmRegistry } from './swarm-registry.js';
import type { TrackerStats } from './tracker-stats.js';

const log = createDebug('streamrp2p:tracker:server');

/** Where a started tracker listens. */
export interface TrackerAddress {
  port: number;
  host: string;
  /** Base URL for clients: `io(url, { transports: ['websocket'] })`, and `${url}/stats`. */
  url: string;
}

function urlFor(host: string, port: number): string {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

/**
 * The signalling tracker: a socket.io server (websocket only) with swarms,
 * ranked peer lists, a signal relay, limits, and `/healthz`, `/stats`,
 * `/metrics` on the same port.
 *
 * @example
 * const tracker = createTracker({ port: 8090 });
 * const { url } = await tracker.start();
 * // ... later
 * await tracker.close();
 */
export class Tracker {
  readonly config: TrackerConfig;
  /** The socket.io server, e.g. to install a Redis adapter before `start()`. */
  readonly io: TrackerServer;
  readonly metrics: TrackerMetrics;
  readonly #http: HttpServer;
  readonly #registry: SwarmRegistry;
  readonly #directory: PeerDirectory;
  readonly #pending = new Set<Promise<unknown>>();
  readonly #cluster: RedisCluster | undefined;
  #address: TrackerAddress | undefined;
  #startedAt = Date.now();
  #state: 'new' | 'starting' | 'listening' | 'closing' | 'closed' = 'new';
  #closing: Promise<void> | undefined;

  constructor(options: TrackerOptions = {}) {
    this.config = resolveTrackerConfig(options);
    const { config } = this;
    this.#cluster =
      config.redisUrl === undefined
        ? undefined
        : new RedisCluster({
            url: config.redisUrl,
            keyPrefix: config.keyPrefix,
            memberTtlMs: config.memberTtl,
            onExpired: (dropped) => {
              for (const { swarm, peerId } of dropped)
                this.io.to(swarmRoom(swarm)).emit('peer-left', { swarm, peerId });
            },
          });
    this.#registry =
      this.#cluster === undefined
        ? (config.registry ?? new InMemorySwarmRegistry())
        : new RedisSwarmRegistry(this.#cluster);
    this.#directory =
      this.#cluster === undefined
        ? (config.peerDirectory ?? new InMemoryPeerDirectory())
        : new RedisPeerDirectory(this.#cluster);
    this.metrics = new TrackerMetrics(
      { sockets: () => this.io.of('/').sockets.size, counts: () => this.#registry.counts() },
      { collectDefaultMetrics: config.collectDefaultMetrics },
    );
    this.#http = createServer(
      createHttpHandler({
        stats: () => this.stats(),
        metrics: this.metrics.registry,
        isShuttingDown: () => this.#isShuttingDown(),
        corsOrigin: config.httpCorsOrigin,
      }),
    );
    this.io = new Server(this.#http, {
      path: config.path,
      transports: ['websocket'],
      maxHttpBufferSize: config.maxHttpBufferSize,
      // The protocol is JSON: a binary packet (and the attachments it would make the decoder
      // buffer) closes the connection at its header.
      parser: jsonOnlyParser(() => this.metrics.countRejected('BAD_REQUEST')),
      // Signalling messages are small JSON: compression would cost CPU and a zlib context per socket.
      perMessageDeflate: false,
      httpCompression: false,
      serveClient: false,
    });
    const authenticate =
      config.secret !== undefined ? createTokenAuthenticator(config.secret) : config.authenticate;
    const onRejected = (error: TrackerError) => this.metrics.countRejected(error.code);
    this.io.use(
      createConnectionGate({
        authenticate,
        trust: compileTrust(config.trustProxy),
        connections:
          this.#cluster === undefined
            ? new ConnectionCounter(config.maxSocketsPerIp)
            : new RedisConnectionCounter(this.#cluster, config.maxSocketsPerIp),
        isShuttingDown: () => this.#isShuttingDown(),
        onRejected,
      }),
    );
    this.io.on(
      'connection',
      createSessionStarter({
        io: this.io,
        registry: this.#registry,
        directory: this.#directory,
        metrics: this.metrics,
        config,
        isShuttingDown: () => this.#isShuttingDown(),
        onRejected: (code) => this.metrics.countRejected(code),
        track: (work) => this.#track(work),
      }),
    );
  }

  /** Where the tracker listens, once started. */
  get address(): TrackerAddress | undefined {
    return this.#address;
  }

  /** Starts listening on `config.port` / `config.host`. */
  async start(): Promise<TrackerAddress> {
    if (this.#state !== 'new')
      throw new TrackerError('SHUTTING_DOWN', `tracker cannot start: it is ${this.#state}`);
    this.#state = 'starting';
    try {
      // Cluster mode: the adapter must be in place before the first connection.
      if (this.#cluster !== undefined) this.io.adapter(await this.#cluster.connect());
    } catch (err) {
      this.#state = 'closed';
      await this.#cluster?.close();
      this.io.close();
      throw err;
    }
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.#http.once('error', onError);
      this.#http.listen(this.config.port, this.config.host, this.config.listenBacklog, () => {
        this.#http.off('error', onError);
        // From now on an error is a failed accept (EMFILE when the open files limit is
        // reached): that connection is lost, the others and the tracker go on.
        this.#http.on('error', (err) => log('http server error: %O', err));
        resolve();
      });
    }).catch(async (err: unknown) => {
      this.#state = 'closed';
      await this.#cluster?.close();
      this.io.close();
      throw err;
    });
    const { port } = this.#http.address() as AddressInfo;
    this.#address = { port, host: this.config.host, url: urlFor(this.config.host, port) };
    this.#startedAt = Date.now();
    this.#state = 'listening';
    log('listening on %s', this.#address.url);
    return this.#address;
  }

  /**
   * Shuts down gracefully: `/healthz` turns 503 and new connections are
   * refused at once, connected sockets are disconnected by the server (reason
   * `io server disconnect`), their cleanup is awaited, and the HTTP server is
   * closed. Safe to call more than once.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  /** A snapshot of the tracker (what `GET /stats` serves). */
  async stats(): Promise<TrackerStats> {
    const [counts, topSwarms] = await Promise.all([
      this.#registry.counts(),
      this.#registry.largest(this.config.statsTopSwarms),
    ]);
    return {
      status: this.#isShuttingDown() ? 'shutting-down' : 'ok',
      uptimeSeconds: Math.round((Date.now() - this.#startedAt) / 1000),
      sockets: this.io.of('/').sockets.size,
      swarms: counts.swarms,
      peers: counts.peers,
      joinsTotal: this.metrics.joins,
      signalsRelayedTotal: this.metrics.signalsRelayed,
      rejectedTotal: { ...this.metrics.rejected },
      topSwarms,
    };
  }

  async #shutDown(): Promise<void> {
    const wasListening = this.#state === 'listening' || this.#state === 'starting';
    this.#state = 'closing';
    log('closing');
    // Only this process's sockets: with the Redis adapter, io.disconnectSockets() reaches every process.
    this.io.local.disconnectSockets(true);
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
    await new Promise<void>((resolve) => {
      // io.close() closes the engine and the HTTP server; idle keep-alive sockets are cut too.
      void this.io.close((err) => {
        if (err && wasListening) log('http close: %O', err);
        resolve();
      });
      this.#http.closeAllConnections();
    });
    await this.#cluster?.close();
    this.metrics.registry.clear();
    this.#state = 'closed';
    log('closed');
  }

  #isShuttingDown(): boolean {
    return this.#state === 'closing' || this.#state === 'closed';
  }

  #track(work: Promise<unknown>): void {
    this.#pending.add(work);
    void work.finally(() => this.#pending.delete(work));
  }
}

/** Creates a {@link Tracker}; options are validated at once (see `resolveTrackerConfig`). */
export function createTracker(options?: TrackerOptions): Tracker {
  return new Tracker(options);
}
