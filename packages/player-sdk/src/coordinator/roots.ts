import { bytesToHex, merkleRoot, type SegmentRoot } from '@streamrp2p/protocol';
import type { SdkError } from '../errors.js';
import type { ApiClient } from './api-client.js';
import { toSdkError } from './errors.js';
import { parseRoots } from './responses.js';
import { Timers } from './timers.js';

/** Result of checking segment bytes against the coordinator's index. */
export type RootCheck =
  | { status: 'ok'; root: SegmentRoot }
  | { status: 'mismatch'; root: SegmentRoot; reason: 'byte-length' | 'root' }
  /** The root was not indexed (or not reachable) within the wait. */
  | { status: 'unknown' };

export interface RootsCacheOptions {
  streamId: string;
  /** Interval of requests while waiting for a root that is not indexed yet. */
  pollMs: number;
  /** Monotonic clock, milliseconds. */
  clock: () => number;
  /** Roots kept in memory, all renditions together; the oldest are dropped first. @default 2000 */
  maxEntries?: number;
  /** Sequences fetched before and after the requested one. @default 2 and 10 */
  behind?: number;
  ahead?: number;
  /** The first failure after a success (one report per outage, not one per poll). */
  onError?: (error: SdkError) => void;
}

interface Inflight {
  rendition: string;
  from: number;
  to: number;
  promise: Promise<void>;
}

/**
 * The coordinator's segment roots, fetched in batches around the sequences asked for, cached,
 * and polled for while a live segment is not indexed yet.
 *
 * @example
 * const roots = new RootsCache(api, { streamId: 'demo', pollMs: 400, clock: () => performance.now() });
 * const check = await roots.verify('720p', 1042, bytes, 2000); // { status: 'ok', root }
 */
export class RootsCache {
  /** Requests sent, roots cached, and verification outcomes. */
  readonly stats = { requests: 0, ok: 0, mismatch: 0, unknown: 0 };
  private readonly roots = new Map<string, SegmentRoot>();
  private readonly inflight = new Set<Inflight>();
  private readonly timers = new Timers();
  private readonly maxEntries: number;
  private failing = false;

  constructor(
    private readonly api: ApiClient,
    private readonly options: RootsCacheOptions,
  ) {
    this.maxEntries = options.maxEntries ?? 2000;
  }

  get size(): number {
    return this.roots.size;
  }

  /**
   * The root of a segment, or undefined when it is not indexed within `waitMs`. With `waitMs`
   * 0 only the cache answers, and a request for the neighbourhood starts in the background.
   */
  async get(rendition: string, sequence: number, waitMs: number): Promise<SegmentRoot | undefined> {
    const deadline = this.options.clock() + waitMs;
    for (;;) {
      const cached = this.roots.get(key(rendition, sequence));
      if (cached || this.timers.isClosed) return cached;
      const pending = this.covering(rendition, sequence) ?? this.fetch(rendition, sequence);
      let remaining = deadline - this.options.clock();
      if (remaining <= 0) return undefined;
      const answered = await this.timers.within(pending, remaining);
      const found = this.roots.get(key(rendition, sequence));
      remaining = deadline - this.options.clock();
      if (found || remaining <= 0 || this.timers.isClosed) return found;
      // Not indexed yet: ask again a little later.
      if (answered) await this.timers.sleep(Math.min(this.options.pollMs, remaining));
    }
  }

  /** Compares `bytes` with the indexed byte length and Merkle root. */
  async verify(
    rendition: string,
    sequence: number,
    bytes: Uint8Array,
    waitMs: number,
  ): Promise<RootCheck> {
    const root = await this.get(rendition, sequence, waitMs);
    if (!root) {
      this.stats.unknown += 1;
      return { status: 'unknown' };
    }
    if (bytes.byteLength !== root.byteLength) {
      this.stats.mismatch += 1;
      return { status: 'mismatch', root, reason: 'byte-length' };
    }
    if (bytesToHex(await merkleRoot(bytes)) !== root.root) {
      this.stats.mismatch += 1;
      return { status: 'mismatch', root, reason: 'root' };
    }
    this.stats.ok += 1;
    return { status: 'ok', root };
  }

  /** Stops polling: pending `get()` calls return what the cache has. */
  close(): void {
    this.timers.close();
  }

  private covering(rendition: string, sequence: number): Promise<void> | undefined {
    for (const entry of this.inflight) {
      if (entry.rendition === rendition && entry.from <= sequence && sequence <= entry.to) {
        return entry.promise;
      }
    }
    return undefined;
  }

  private fetch(rendition: string, sequence: number): Promise<void> {
    const from = Math.max(0, sequence - (this.options.behind ?? 2));
    const to = sequence + (this.options.ahead ?? 10);
    this.stats.requests += 1;
    const entry: Inflight = { rendition, from, to, promise: Promise.resolve() };
    entry.promise = this.api
      .request({
        method: 'GET',
        path: `/api/streams/${encodeURIComponent(this.options.streamId)}/roots`,
        query: { rendition, from, to },
      })
      .then((body) => {
        for (const root of parseRoots(body)) this.remember(rendition, root);
        this.failing = false;
      })
      .catch((error: unknown) => {
        if (!this.failing && !this.timers.isClosed) this.options.onError?.(toSdkError(error));
        this.failing = true;
      })
      .finally(() => this.inflight.delete(entry));
    this.inflight.add(entry);
    return entry.promise;
  }

  private remember(rendition: string, root: SegmentRoot): void {
    const id = key(rendition, root.sequence);
    if (this.roots.has(id)) return;
    this.roots.set(id, root);
    // Map iteration follows insertion: the first keys are the oldest roots.
    for (const old of this.roots.keys()) {
      if (this.roots.size <= this.maxEntries) break;
      this.roots.delete(old);
    }
  }
}

function key(rendition: string, sequence: number): string {
  return `${rendition}\n${sequence}`;
}
