import createDebug from 'debug';
import type { RedisCluster } from './redis-cluster.js';
import { CONNECT_SCRIPT, DISCONNECT_SCRIPT } from './redis-scripts.js';

const log = createDebug('streamrp2p:tracker:connections');

/** What a counted connection must offer: a `close` event once its transport is gone. */
export interface CountedConnection {
  once(event: 'close', listener: () => void): unknown;
}

/** Connections per client IP (see `maxSocketsPerIp`). */
export interface ConnectionLimiter {
  readonly limit: number;
  /** Counts `connection` for `ip` when under the limit; it is uncounted when it closes. */
  admit(ip: string, connection: CountedConnection): boolean | Promise<boolean>;
}

/**
 * Connections per client IP in this process. A connection is counted from its admission until
 * its transport closes, whatever happens in between.
 *
 * @example
 * const counter = new ConnectionCounter(32);
 * if (!counter.admit(ip, conn)) refuse();
 */
export class ConnectionCounter implements ConnectionLimiter {
  readonly #byIp = new Map<string, number>();

  constructor(readonly limit: number) {}

  admit(ip: string, connection: CountedConnection): boolean {
    const count = this.#byIp.get(ip) ?? 0;
    if (count >= this.limit) return false;
    this.#byIp.set(ip, count + 1);
    connection.once('close', () => {
      const left = (this.#byIp.get(ip) ?? 1) - 1;
      if (left <= 0) this.#byIp.delete(ip);
      else this.#byIp.set(ip, left);
    });
    return true;
  }

  /** Connections counted for `ip`. */
  count(ip: string): number {
    return this.#byIp.get(ip) ?? 0;
  }
}

/**
 * Connections per client IP over every tracker process of a cluster: one Redis hash per IP
 * holds each process's count, and counts of processes whose heartbeat expired are dropped when
 * read, so a crashed process does not keep its addresses' places.
 */
export class RedisConnectionCounter implements ConnectionLimiter {
  constructor(
    private readonly cluster: RedisCluster,
    readonly limit: number,
  ) {}

  admit(ip: string, connection: CountedConnection): Promise<boolean> {
    const { processId } = this.cluster;
    const admitted = this.cluster
      .run(CONNECT_SCRIPT, [ip, processId, this.limit])
      .then((result) => result === 1);
    // Listening before the answer: a connection that closes meanwhile is still given back.
    connection.once('close', () => {
      void admitted
        .then((ok) => (ok ? this.cluster.run(DISCONNECT_SCRIPT, [ip, processId]) : undefined))
        .catch((err: unknown) => log('uncounting a connection of %s failed: %O', ip, err));
    });
    return admitted;
  }
}
