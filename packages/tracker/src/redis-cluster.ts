import { createHash, randomBytes } from 'node:crypto';
import createDebug from 'debug';
import { createClient } from 'redis';
import { createAdapter } from '@socket.io/redis-adapter';
import { SWEEP_SCRIPT } from './redis-scripts.js';

const log = createDebug('streamrp2p:tracker:redis');

type RedisClient = ReturnType<typeof createClient>;

/** How long `start()` waits for Redis before giving up (node-redis itself would retry forever). */
const CONNECT_TIMEOUT_MS = 10_000;

/** The URL without its password, for messages. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured URL';
  }
}

/** Settings of cluster mode. */
export interface RedisClusterOptions {
  url: string;
  /** Prefix of every key and pub/sub channel, so several deployments (or tests) share one Redis. */
  keyPrefix: string;
  /** How long a process's members outlive its last heartbeat, in milliseconds. */
  memberTtlMs: number;
  /** Called with the memberships dropped because their process died. */
  onExpired(dropped: Array<{ swarm: string; peerId: string }>): void;
}

/**
 * One tracker process's link to Redis: a command client, the pub/sub pair of
 * the socket.io adapter, and a heartbeat. Each process has a random id with a
 * liveness key that expires `memberTtlMs` after its last heartbeat; members of
 * a process whose key expired are ignored on read and swept away.
 */
export class RedisCluster {
  readonly processId = randomBytes(9).toString('base64url');
  readonly prefix: string;
  readonly client: RedisClient;
  readonly #pub: RedisClient;
  readonly #sub: RedisClient;
  readonly #options: RedisClusterOptions;
  readonly #shas = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;
  #beating: Promise<void> | undefined;

  constructor(options: RedisClusterOptions) {
    this.#options = options;
    this.prefix = options.keyPrefix;
    this.client = createClient({ url: options.url });
    this.#pub = this.client.duplicate();
    this.#sub = this.client.duplicate();
    for (const c of [this.client, this.#pub, this.#sub]) {
      // Without a listener an unreachable Redis would crash the process; node-redis reconnects.
      c.on('error', (err: unknown) => log('redis error: %O', err));
    }
  }

  /** Connects, announces this process and starts the heartbeat; returns the socket.io adapter. */
  async connect(): Promise<ReturnType<typeof createAdapter>> {
    const clients = [this.client, this.#pub, this.#sub];
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.all(clients.map((c) => c.connect())),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`cannot reach Redis at ${redactedUrl(this.#options.url)}`)),
            CONNECT_TIMEOUT_MS,
          );
        }),
      ]);
    } catch (err) {
      for (const c of clients) if (c.isOpen) c.destroy();
      throw err;
    } finally {
      clearTimeout(timer);
    }
    await this.#heartbeat();
    await this.client.sAdd(`${this.prefix}procs`, this.processId);
    const every = Math.max(50, Math.floor(this.#options.memberTtlMs / 3));
    this.#timer = setInterval(() => {
      this.#beating ??= this.#beat().finally(() => (this.#beating = undefined));
    }, every);
    this.#timer.unref();
    log('process %s joined %s', this.processId, this.prefix);
    return createAdapter(this.#pub, this.#sub, { key: `${this.prefix}io` });
  }

  /**
   * Runs a script with the prefix as ARGV[1], by its SHA1 (EVALSHA): sending
   * the 1-2 KB body with every call cost both sides CPU on each join and signal.
   */
  async run(script: string, args: Array<string | number>): Promise<unknown> {
    let sha = this.#shas.get(script);
    if (sha === undefined) {
      sha = createHash('sha1').update(script).digest('hex');
      this.#shas.set(script, sha);
    }
    const options = { arguments: [this.prefix, ...args.map(String)] };
    try {
      return await this.client.evalSha(sha, options);
    } catch (err) {
      // Not cached yet, or Redis restarted / failed over: EVAL runs the body and caches it.
      if (!(err instanceof Error && err.message.startsWith('NOSCRIPT'))) throw err;
      return this.client.eval(script, options);
    }
  }

  /** Drops this process's state from Redis and disconnects. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#beating;
    if (this.client.isOpen) {
      try {
        await this.client.del(`${this.prefix}alive:${this.processId}`);
        await this.run(SWEEP_SCRIPT, []);
      } catch (err) {
        log('cleanup on close failed: %O', err);
      }
    }
    await Promise.allSettled(
      [this.client, this.#pub, this.#sub].filter((c) => c.isOpen).map((c) => c.quit()),
    );
  }

  async #heartbeat(): Promise<void> {
    await this.client.set(`${this.prefix}alive:${this.processId}`, '1', {
      expiration: { type: 'PX', value: this.#options.memberTtlMs },
    });
  }

  async #beat(): Promise<void> {
    try {
      await this.#heartbeat();
      const dropped = (await this.run(SWEEP_SCRIPT, [])) as string[];
      if (dropped.length === 0) return;
      log('swept %d membership(s) of dead processes', dropped.length);
      this.#options.onExpired(
        dropped.map((entry) => {
          const at = entry.indexOf('\n');
          return { swarm: entry.slice(0, at), peerId: entry.slice(at + 1) };
        }),
      );
    } catch (err) {
      log('heartbeat failed: %O', err);
    }
  }
}
