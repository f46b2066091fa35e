/**
 * The segment indexer: follows every registered stream and stores each segment's Merkle root
 * and length, the trust anchor receipts and challenges are checked against.
 */
import createDebug from 'debug';
import type { Kysely } from 'kysely';
import type { CoordinatorConfig } from '../config/config.js';
import type { StreamFollowing } from '../context.js';
import type { DB } from '../db/schema.js';
import type { CoordinatorMetrics } from '../http/metrics.js';
import type { Clock } from '../util/clock.js';
import type { IndexerDeps } from './indexer-deps.js';
import { Limiter } from './limiter.js';
import { StreamFollower } from './stream-follower.js';

const log = createDebug('streamrp2p:coordinator:indexer');

export class SegmentIndexer implements StreamFollowing {
  readonly #deps: IndexerDeps;
  readonly #followers = new Map<string, StreamFollower>();
  readonly #stopping = new Set<Promise<void>>();
  #closed = false;

  constructor(deps: {
    db: Kysely<DB>;
    config: CoordinatorConfig;
    metrics: CoordinatorMetrics;
    clock: Clock;
  }) {
    this.#deps = { ...deps, limiter: new Limiter(deps.config.indexerConcurrency) };
  }

  /** Follows every stream not deleted (call once the database is migrated). */
  async start(): Promise<void> {
    if (!this.#deps.config.indexerEnabled) return;
    const streams = await this.#deps.db
      .selectFrom('streams')
      .select(['id', 'hls_url'])
      .where('deleted_at', 'is', null)
      .execute();
    for (const s of streams) this.follow({ id: s.id, hlsUrl: s.hls_url });
    log('following %d stream(s)', streams.length);
  }

  /** Starts following a stream (no-op if already followed at the same URL, or disabled). */
  follow(stream: { id: string; hlsUrl: string }): void {
    if (this.#closed || !this.#deps.config.indexerEnabled) return;
    const current = this.#followers.get(stream.id);
    if (current?.hlsUrl === stream.hlsUrl) return;
    if (current !== undefined) void this.unfollow(stream.id);
    const follower = new StreamFollower(this.#deps, stream.id, stream.hlsUrl);
    this.#followers.set(stream.id, follower);
    follower.start();
  }

  /** Stops following a stream (deleted, or its URL changed). */
  unfollow(streamId: string): Promise<void> {
    const follower = this.#followers.get(streamId);
    if (follower === undefined) return Promise.resolve();
    this.#followers.delete(streamId);
    const stopping = follower.stop().finally(() => this.#stopping.delete(stopping));
    this.#stopping.add(stopping);
    return stopping;
  }

  /** Stream ids being followed. */
  get followedStreams(): string[] {
    return [...this.#followers.keys()];
  }

  /**
   * Whether this process follows `streamId`, and its latest failure to read it (the studio's
   * indexing progress shows both).
   */
  status(streamId: string): { following: boolean; lastError?: { message: string; at: Date } } {
    const follower = this.#followers.get(streamId);
    if (follower === undefined) return { following: false };
    const { lastError } = follower;
    return lastError === undefined ? { following: true } : { following: true, lastError };
  }

  /** Stops everything; resolves once no poll or fetch is left. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const id of [...this.#followers.keys()]) void this.unfollow(id);
    await Promise.all(this.#stopping);
  }
}
