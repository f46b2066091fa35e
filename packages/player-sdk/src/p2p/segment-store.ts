import { Emitter } from '../emitter.js';

/** A segment the store holds. */
export interface StoredSegment {
  swarm: string;
  sequence: number;
  bytes: Uint8Array;
}

interface Entry extends StoredSegment {
  lastUsed: number;
  /** Held past the live window until then (ms), see {@link SegmentStore.keep}. */
  keepUntil?: number;
}

export interface SegmentStoreEvents {
  [event: string]: unknown;
  added: StoredSegment;
  removed: { swarm: string; sequence: number };
}

/** Where playback is in one swarm, for live eviction. */
interface Playhead {
  sequence: number;
  live: boolean;
}

/**
 * Segments held in memory to serve peers, under a byte cap.
 *
 * Eviction: in a live swarm, segments more than `keepBehind` behind the playhead are useless to
 * anyone and go first, except those kept on purpose ({@link keep}: a segment this viewer served
 * stays until the coordinator can no longer challenge it); then the least recently used segment
 * anywhere (which is what VOD needs). The byte cap wins over a keep.
 */
export class SegmentStore extends Emitter<SegmentStoreEvents> {
  private readonly entries = new Map<string, Entry>();
  private readonly playheads = new Map<string, Playhead>();
  private usedBytes = 0;
  private clock = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly keepBehind: number,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  private static key(swarm: string, sequence: number): string {
    return `${swarm}#${sequence}`;
  }

  get bytes(): number {
    return this.usedBytes;
  }

  get size(): number {
    return this.entries.size;
  }

  has(swarm: string, sequence: number): boolean {
    return this.entries.has(SegmentStore.key(swarm, sequence));
  }

  /** The segment's bytes, marking it recently used; `undefined` when not held. */
  get(swarm: string, sequence: number): Uint8Array | undefined {
    const entry = this.entries.get(SegmentStore.key(swarm, sequence));
    if (!entry) return undefined;
    entry.lastUsed = ++this.clock;
    return entry.bytes;
  }

  /** Sequences held for a swarm, ascending. */
  sequences(swarm: string): number[] {
    const result: number[] = [];
    for (const entry of this.entries.values())
      if (entry.swarm === swarm) result.push(entry.sequence);
    return result.sort((a, b) => a - b);
  }

  /** Stores a segment (the caller hands over `bytes`: it must not change them afterwards). */
  put(swarm: string, sequence: number, bytes: Uint8Array): void {
    if (bytes.byteLength > this.maxBytes) return;
    const key = SegmentStore.key(swarm, sequence);
    if (this.entries.has(key)) return;
    this.entries.set(key, { swarm, sequence, bytes, lastUsed: ++this.clock });
    this.usedBytes += bytes.byteLength;
    this.evict(key);
    if (this.entries.has(key)) this.emit('added', { swarm, sequence, bytes });
  }

  /**
   * Keeps a held segment for `ms` even after it falls behind the live window (not past the byte
   * cap): the engine keeps what it served to a peer, so it can answer the coordinator's
   * challenges for it.
   */
  keep(swarm: string, sequence: number, ms: number): void {
    const entry = this.entries.get(SegmentStore.key(swarm, sequence));
    if (entry) entry.keepUntil = Math.max(entry.keepUntil ?? 0, this.now() + ms);
  }

  /** Records playback position; in a live swarm this evicts what fell behind. */
  setPlayhead(swarm: string, sequence: number, live: boolean): void {
    this.playheads.set(swarm, { sequence, live });
    if (live) this.evictBehind(swarm, sequence - this.keepBehind);
  }

  delete(swarm: string, sequence: number): void {
    const key = SegmentStore.key(swarm, sequence);
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.usedBytes -= entry.bytes.byteLength;
    this.emit('removed', { swarm, sequence });
  }

  /** Drops every segment of a swarm (the viewer left it). */
  dropSwarm(swarm: string): void {
    for (const sequence of this.sequences(swarm)) this.delete(swarm, sequence);
    this.playheads.delete(swarm);
  }

  clear(): void {
    for (const entry of [...this.entries.values()]) this.delete(entry.swarm, entry.sequence);
  }

  private evictBehind(swarm: string, before: number): void {
    const now = this.now();
    for (const sequence of this.sequences(swarm)) {
      if (sequence >= before) break;
      const keepUntil = this.entries.get(SegmentStore.key(swarm, sequence))?.keepUntil ?? 0;
      if (keepUntil <= now) this.delete(swarm, sequence);
    }
  }

  private evict(protectedKey: string): void {
    if (this.usedBytes <= this.maxBytes) return;
    for (const [swarm, playhead] of this.playheads) {
      if (playhead.live) this.evictBehind(swarm, playhead.sequence - this.keepBehind);
    }
    // Then behind-the-playhead segments of live swarms (oldest first), then plain LRU.
    while (this.usedBytes > this.maxBytes) {
      const victim = this.pickVictim(protectedKey);
      if (!victim) return;
      this.delete(victim.swarm, victim.sequence);
    }
  }

  private pickVictim(protectedKey: string): Entry | undefined {
    let behind: Entry | undefined;
    let lru: Entry | undefined;
    for (const [key, entry] of this.entries) {
      if (key === protectedKey) continue;
      const playhead = this.playheads.get(entry.swarm);
      if (playhead?.live && entry.sequence < playhead.sequence) {
        if (!behind || entry.sequence < behind.sequence) behind = entry;
      }
      if (!lru || entry.lastUsed < lru.lastUsed) lru = entry;
    }
    return behind ?? lru;
  }
}
