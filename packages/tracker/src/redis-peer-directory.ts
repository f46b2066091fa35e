import type { PeerDirectory } from './peer-directory.js';
import type { RedisCluster } from './redis-cluster.js';
import { CLAIM_SCRIPT, IS_CLAIMED_SCRIPT, RELEASE_SCRIPT } from './redis-scripts.js';

/**
 * A {@link PeerDirectory} in Redis: one peer id is live on one socket across
 * every tracker process. An id held by a process whose heartbeat expired
 * counts as free, so a peer of a killed process can take its id back on
 * another one.
 */
export class RedisPeerDirectory implements PeerDirectory {
  readonly #cluster: RedisCluster;

  constructor(cluster: RedisCluster) {
    this.#cluster = cluster;
  }

  async claim(
    peerId: string,
    socketId: string,
    replace: boolean,
  ): Promise<{ ok: true; previousSocketId?: string } | { ok: false }> {
    const [ok, previous] = (await this.#cluster.run(CLAIM_SCRIPT, [
      peerId,
      socketId,
      this.#cluster.processId,
      replace ? '1' : '0',
    ])) as [number, string?];
    if (ok !== 1) return { ok: false };
    return previous === undefined ? { ok: true } : { ok: true, previousSocketId: previous };
  }

  async release(peerId: string, socketId: string): Promise<void> {
    await this.#cluster.run(RELEASE_SCRIPT, [peerId, socketId, this.#cluster.processId]);
  }

  async isClaimed(peerId: string): Promise<boolean> {
    return (await this.#cluster.run(IS_CLAIMED_SCRIPT, [peerId])) === 1;
  }

  async size(): Promise<number> {
    return this.#cluster.client.sCard(`${this.#cluster.prefix}peers`);
  }
}
