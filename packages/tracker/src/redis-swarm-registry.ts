import type { PeerDescriptor } from '@streamrp2p/protocol';
import type { RedisCluster } from './redis-cluster.js';
import {
  ADD_SCRIPT,
  FIND_SCRIPT,
  IS_MEMBER_SCRIPT,
  REMOVE_SCRIPT,
  REMOVE_SOCKET_SCRIPT,
  SAMPLE_SCRIPT,
} from './redis-scripts.js';
import type {
  AddResult,
  JoinLimits,
  SwarmMember,
  SwarmRegistry,
  SwarmSize,
} from './swarm-registry.js';

/**
 * A {@link SwarmRegistry} in Redis, shared by every tracker process on the
 * same Redis and key prefix. Each step is one Lua script (one round trip,
 * atomic); members of a process that stopped its heartbeat are skipped and
 * dropped when read, and swept by the surviving processes.
 */
export class RedisSwarmRegistry implements SwarmRegistry {
  readonly #cluster: RedisCluster;

  constructor(cluster: RedisCluster) {
    this.#cluster = cluster;
  }

  async add(swarm: string, member: SwarmMember, limits: JoinLimits): Promise<AddResult> {
    const outcome = await this.#cluster.run(ADD_SCRIPT, [
      swarm,
      member.peerId,
      member.socketId,
      member.ip,
      this.#cluster.processId,
      limits.maxPeersPerIpPerSwarm,
      limits.maxSwarmsPerSocket,
    ]);
    if (outcome === 'ADDED') return { ok: true, added: true };
    if (outcome === 'EXISTS') return { ok: true, added: false };
    return { ok: false, reason: outcome as 'TOO_MANY_PEERS_FROM_IP' | 'TOO_MANY_SWARMS' };
  }

  async remove(swarm: string, socketId: string): Promise<boolean> {
    return (await this.#cluster.run(REMOVE_SCRIPT, [swarm, socketId])) === 1;
  }

  async removeSocket(socketId: string): Promise<string[]> {
    return (await this.#cluster.run(REMOVE_SOCKET_SCRIPT, [
      socketId,
      this.#cluster.processId,
    ])) as string[];
  }

  async find(swarm: string, peerId: string): Promise<SwarmMember | undefined> {
    const value = await this.#cluster.run(FIND_SCRIPT, [swarm, peerId]);
    if (typeof value !== 'string') return undefined;
    const [socketId = '', ip = ''] = value.split('\n');
    return { peerId, socketId, ip };
  }

  async isMember(swarm: string, socketId: string): Promise<boolean> {
    return (await this.#cluster.run(IS_MEMBER_SCRIPT, [swarm, socketId])) === 1;
  }

  async sample(swarm: string, count: number, excludePeerId: string): Promise<PeerDescriptor[]> {
    if (count <= 0) return [];
    const ids = (await this.#cluster.run(SAMPLE_SCRIPT, [swarm, count, excludePeerId])) as string[];
    return ids.map((peerId) => ({ peerId }));
  }

  async counts(): Promise<{ swarms: number; peers: number }> {
    const { client, prefix } = this.#cluster;
    const [swarms, peers] = await Promise.all([
      client.zCard(`${prefix}swarms`),
      client.get(`${prefix}n`),
    ]);
    return { swarms, peers: Number(peers ?? 0) };
  }

  async largest(limit: number): Promise<SwarmSize[]> {
    if (limit <= 0) return [];
    const { client, prefix } = this.#cluster;
    const top = await client.zRangeWithScores(`${prefix}swarms`, 0, limit - 1, { REV: true });
    return top.map(({ value, score }) => ({ swarm: value, peers: score }));
  }
}
