import type { PeerDescriptor } from '@streamrp2p/protocol';
import { sampleExcluding } from './ranking.js';

/** One socket's membership of one swarm. */
export interface SwarmMember {
  peerId: string;
  socketId: string;
  /** Client IP, for the per-IP-per-swarm limit. */
  ip: string;
}

/** Limits {@link SwarmRegistry.add} checks atomically with the insert. */
export interface JoinLimits {
  maxPeersPerIpPerSwarm: number;
  maxSwarmsPerSocket: number;
}

/** Result of {@link SwarmRegistry.add}: `added` is false when the socket was already a member. */
export type AddResult =
  | { ok: true; added: boolean }
  | { ok: false; reason: 'TOO_MANY_PEERS_FROM_IP' | 'TOO_MANY_SWARMS' };

/** A swarm and how many peers it holds. */
export interface SwarmSize {
  swarm: string;
  peers: number;
}

/**
 * Swarm membership. The tracker only talks to this interface, so a
 * Redis-backed registry can replace the in-memory one when several tracker
 * processes share swarms; every method is async for that reason.
 */
export interface SwarmRegistry {
  /** Adds a member, checking the limits in the same step. Idempotent for a current member. */
  add(swarm: string, member: SwarmMember, limits: JoinLimits): Promise<AddResult>;
  /** Removes the socket from the swarm; false if it was not a member. */
  remove(swarm: string, socketId: string): Promise<boolean>;
  /** Removes the socket from all its swarms and returns the swarms it actually left. */
  removeSocket(socketId: string): Promise<string[]>;
  /** The member with `peerId` in `swarm`, if any. */
  find(swarm: string, peerId: string): Promise<SwarmMember | undefined>;
  /** Whether the socket is a member of the swarm. */
  isMember(swarm: string, socketId: string): Promise<boolean>;
  /** Up to `count` random members of `swarm` other than `excludePeerId`, in random order. */
  sample(swarm: string, count: number, excludePeerId: string): Promise<PeerDescriptor[]>;
  /** Number of non-empty swarms and total memberships. */
  counts(): Promise<{ swarms: number; peers: number }>;
  /** The `limit` largest swarms, largest first. */
  largest(limit: number): Promise<SwarmSize[]>;
}

/** One swarm: members in an array for O(1) random picks, with an index for O(1) removal. */
class SwarmState {
  readonly members: SwarmMember[] = [];
  readonly indexByPeer = new Map<string, number>();
  readonly countByIp = new Map<string, number>();

  insert(member: SwarmMember): void {
    this.indexByPeer.set(member.peerId, this.members.length);
    this.members.push(member);
    this.countByIp.set(member.ip, (this.countByIp.get(member.ip) ?? 0) + 1);
  }

  delete(peerId: string): SwarmMember | undefined {
    const index = this.indexByPeer.get(peerId);
    if (index === undefined) return undefined;
    const member = this.members[index]!;
    const last = this.members.pop()!;
    if (last !== member) {
      this.members[index] = last;
      this.indexByPeer.set(last.peerId, index);
    }
    this.indexByPeer.delete(peerId);
    const ipCount = (this.countByIp.get(member.ip) ?? 1) - 1;
    if (ipCount > 0) this.countByIp.set(member.ip, ipCount);
    else this.countByIp.delete(member.ip);
    return member;
  }

  get(peerId: string): SwarmMember | undefined {
    const index = this.indexByPeer.get(peerId);
    return index === undefined ? undefined : this.members[index];
  }
}

/** The single-process {@link SwarmRegistry}. */
export class InMemorySwarmRegistry implements SwarmRegistry {
  readonly #swarms = new Map<string, SwarmState>();
  /** socket id -> (swarm -> peer id the socket joined it as). */
  readonly #bySocket = new Map<string, Map<string, string>>();
  #memberships = 0;

  async add(swarm: string, member: SwarmMember, limits: JoinLimits): Promise<AddResult> {
    const joined = this.#bySocket.get(member.socketId);
    if (joined?.has(swarm)) return { ok: true, added: false };
    if ((joined?.size ?? 0) >= limits.maxSwarmsPerSocket)
      return { ok: false, reason: 'TOO_MANY_SWARMS' };
    const state = this.#swarms.get(swarm) ?? new SwarmState();
    // A stale socket of the same peer (replaced by a reconnect) gives its place up.
    const stale = state.get(member.peerId);
    if (stale !== undefined) this.#detach(swarm, state, stale);
    if ((state.countByIp.get(member.ip) ?? 0) >= limits.maxPeersPerIpPerSwarm) {
      if (state.members.length === 0) this.#swarms.delete(swarm);
      return { ok: false, reason: 'TOO_MANY_PEERS_FROM_IP' };
    }
    this.#swarms.set(swarm, state);
    state.insert(member);
    this.#memberships++;
    const socketSwarms = joined ?? new Map<string, string>();
    socketSwarms.set(swarm, member.peerId);
    this.#bySocket.set(member.socketId, socketSwarms);
    return { ok: true, added: true };
  }

  async remove(swarm: string, socketId: string): Promise<boolean> {
    const peerId = this.#bySocket.get(socketId)?.get(swarm);
    const state = this.#swarms.get(swarm);
    const member = peerId === undefined ? undefined : state?.get(peerId);
    if (state === undefined || member === undefined || member.socketId !== socketId) {
      this.#forget(socketId, swarm);
      return false;
    }
    this.#detach(swarm, state, member);
    return true;
  }

  async removeSocket(socketId: string): Promise<string[]> {
    const swarms = [...(this.#bySocket.get(socketId)?.keys() ?? [])];
    const left: string[] = [];
    for (const swarm of swarms) {
      if (await this.remove(swarm, socketId)) left.push(swarm);
    }
    this.#bySocket.delete(socketId);
    return left;
  }

  async find(swarm: string, peerId: string): Promise<SwarmMember | undefined> {
    return this.#swarms.get(swarm)?.get(peerId);
  }

  async isMember(swarm: string, socketId: string): Promise<boolean> {
    const peerId = this.#bySocket.get(socketId)?.get(swarm);
    return peerId !== undefined && this.#swarms.get(swarm)?.get(peerId)?.socketId === socketId;
  }

  async sample(swarm: string, count: number, excludePeerId: string): Promise<PeerDescriptor[]> {
    const state = this.#swarms.get(swarm);
    if (state === undefined) return [];
    const excludeIndex = state.indexByPeer.get(excludePeerId) ?? -1;
    return sampleExcluding(state.members, count, excludeIndex).map((m) => ({ peerId: m.peerId }));
  }

  async counts(): Promise<{ swarms: number; peers: number }> {
    return { swarms: this.#swarms.size, peers: this.#memberships };
  }

  async largest(limit: number): Promise<SwarmSize[]> {
    // A bounded insertion list: O(swarms x limit) with a small limit, no full sort.
    const top: SwarmSize[] = [];
    if (limit <= 0) return top;
    for (const [swarm, state] of this.#swarms) {
      const peers = state.members.length;
      if (top.length === limit && peers <= top[top.length - 1]!.peers) continue;
      let at = top.length;
      while (at > 0 && top[at - 1]!.peers < peers) at--;
      top.splice(at, 0, { swarm, peers });
      if (top.length > limit) top.pop();
    }
    return top;
  }

  #detach(swarm: string, state: SwarmState, member: SwarmMember): void {
    state.delete(member.peerId);
    this.#memberships--;
    if (state.members.length === 0) this.#swarms.delete(swarm);
    this.#forget(member.socketId, swarm);
  }

  #forget(socketId: string, swarm: string): void {
    const swarms = this.#bySocket.get(socketId);
    swarms?.delete(swarm);
    if (swarms?.size === 0) this.#bySocket.delete(socketId);
  }
}
