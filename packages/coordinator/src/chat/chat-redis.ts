/**
 * The chat's link to Redis when `redisUrl` is set: the pub/sub pair of socket.io's Redis adapter,
 * as the tracker's cluster mode makes it (`packages/tracker/src/redis-cluster.ts`), so every
 * coordinator process on the same Redis shares the chat rooms. The chat keeps no other state in
 * Redis: messages, mutes and limits live in the database every process shares.
 */
import createDebug from 'debug';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';

const log = createDebug('streamrp2p:coordinator:chat:redis');

type RedisClient = ReturnType<typeof createClient>;

/** How long `connect()` waits for Redis before giving up (node-redis itself would retry forever). */
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

export class ChatRedis {
  readonly #url: string;
  readonly #pub: RedisClient;
  readonly #sub: RedisClient;

  constructor(url: string) {
    this.#url = url;
    this.#pub = createClient({ url });
    this.#sub = this.#pub.duplicate();
    for (const c of [this.#pub, this.#sub]) {
      // Without a listener an unreachable Redis would crash the process; node-redis reconnects.
      c.on('error', (err: unknown) => log('redis error: %O', err));
    }
  }

  /** Connects both clients; returns the socket.io adapter. Throws when Redis cannot be reached. */
  async connect(): Promise<ReturnType<typeof createAdapter>> {
    const clients = [this.#pub, this.#sub];
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.all(clients.map((c) => c.connect())),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`cannot reach Redis at ${redactedUrl(this.#url)}`)),
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
    log('chat rooms shared through %s', redactedUrl(this.#url));
    return createAdapter(this.#pub, this.#sub, { key: 'streamrp2p:chat' });
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.#pub, this.#sub].filter((c) => c.isOpen).map((c) => c.quit()));
  }
}
