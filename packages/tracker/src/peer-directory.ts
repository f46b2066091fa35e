/**
 * Which socket owns which peer id. One peer id is live on at most one socket;
 * a Redis-backed directory can replace this one when trackers span processes.
 */
export interface PeerDirectory {
  /**
   * Claims `peerId` for `socketId`. Without `replace`, fails (returns
   * `{ ok: false }`) when another socket owns it; with `replace`, takes it over
   * and returns the previous owner so the caller can disconnect it.
   */
  claim(
    peerId: string,
    socketId: string,
    replace: boolean,
  ): Promise<{ ok: true; previousSocketId?: string } | { ok: false }>;
  /** Releases `peerId` if `socketId` still owns it (a replaced socket must not free its successor's id). */
  release(peerId: string, socketId: string): Promise<void>;
  /** Whether some socket owns `peerId`. */
  isClaimed(peerId: string): Promise<boolean>;
  /** How many peer ids are claimed (that is, connected peers). */
  size(): Promise<number>;
}

/** The single-process {@link PeerDirectory}. */
export class InMemoryPeerDirectory implements PeerDirectory {
  readonly #owners = new Map<string, string>();

  async claim(
    peerId: string,
    socketId: string,
    replace: boolean,
  ): Promise<{ ok: true; previousSocketId?: string } | { ok: false }> {
    const owner = this.#owners.get(peerId);
    if (owner !== undefined && owner !== socketId && !replace) return { ok: false };
    this.#owners.set(peerId, socketId);
    return owner !== undefined && owner !== socketId
      ? { ok: true, previousSocketId: owner }
      : { ok: true };
  }

  async release(peerId: string, socketId: string): Promise<void> {
    if (this.#owners.get(peerId) === socketId) this.#owners.delete(peerId);
  }

  async isClaimed(peerId: string): Promise<boolean> {
    return this.#owners.has(peerId);
  }

  async size(): Promise<number> {
    return this.#owners.size;
  }
}
