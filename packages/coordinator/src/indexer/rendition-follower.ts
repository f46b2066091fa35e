/**
 * Follows one media playlist: polls it (every quarter target duration unless configured) and
 * indexes each new segment once: fetch, Merkle root, store. Live playlists are followed until
 * aborted; a playlist with `#EXT-X-ENDLIST` until every segment is indexed.
 *
 * A segment is its media sequence number; with `#EXT-X-BYTERANGE` it is exactly its range, so
 * several segments sharing one URL are fetched, hashed and stored each by its own sequence.
 *
 * Init segments (`#EXT-X-MAP`, `segment.map`) are not indexed: they always travel over HTTP,
 * never over P2P. They are a few hundred bytes to a few KB, loaded once per rendition per viewer
 * and cached by hls.js, and the SDK's hls.js loader only takes media segments with a numeric
 * sequence, so a root for them would guard nothing. Only `segment.url` and `segment.range` are
 * fetched here; a map's URI is never one of the playlist's segments.
 *
 * While the database is unreachable the follower keeps polling and hashing: the roots it
 * computes wait in memory (up to {@link MAX_UNSTORED_ROOTS} per rendition) and are written as
 * soon as the database answers, so a live segment that leaves the playlist window during an
 * outage is still indexed (decision 27). Only a process that stops during the outage loses them;
 * the next one refetches what is still in the window.
 */
import createDebug from 'debug';
import type { Insertable } from 'kysely';
import type { SegmentRootsTable } from '../db/schema.js';
import { nowDate } from '../util/clock.js';
import { originGet, type IndexerDeps } from './indexer-deps.js';
import {
  bytesToHex,
  merkleRoot,
  parsePlaylist,
  PlaylistError,
  type MediaPlaylist,
  type PlaylistSegment,
} from '@streamrp2p/protocol';
import { backoff, resourceLabel, sleep } from './origin-fetch.js';

const log = createDebug('streamrp2p:coordinator:indexer');

/** Polls never come faster than this, whatever the target duration says. */
const MIN_POLL_MS = 250;

/**
 * Roots kept per rendition while they cannot be written: with 2 s segments, 11 hours of outage
 * in about 2 MB. Past it the oldest are dropped (and counted as failed).
 */
export const MAX_UNSTORED_ROOTS = 20_000;

/** Rows per statement when the kept roots are written. */
const STORE_CHUNK = 500;

type RootRow = Insertable<SegmentRootsTable>;

export interface RenditionTarget {
  streamId: string;
  rendition: string;
  playlistUrl: string;
}

export class RenditionFollower {
  /** Sequences stored (pruned below the playlist's window). */
  readonly #done = new Set<number>();
  readonly #inFlight = new Map<number, Promise<void>>();
  /** Roots computed but not written yet (the database failed), by sequence. */
  readonly #unstored = new Map<number, RootRow>();
  /** The last write failed: new roots go straight to {@link #unstored} until one succeeds. */
  #storeFailing = false;
  #storing: Promise<void> | undefined;
  #loadedStored = false;

  constructor(
    private readonly deps: IndexerDeps,
    private readonly target: RenditionTarget,
    private readonly signal: AbortSignal,
    /** Told of each failure to read the playlist or a segment (the studio shows the latest). */
    private readonly onProblem: (message: string) => void = () => undefined,
  ) {}

  /** Runs until aborted (live) or fully indexed (ended playlist). Never throws. */
  async run(): Promise<void> {
    let failures = 0;
    while (!this.signal.aborted) {
      this.#storing ??= this.#storeUnstored().finally(() => (this.#storing = undefined));
      try {
        const playlist = await this.#fetchPlaylist();
        failures = 0;
        await this.#loadStored(playlist);
        this.#startNew(playlist);
        if (playlist.ended) {
          await Promise.all(this.#inFlight.values());
          await this.#storing;
          if (
            this.#unstored.size === 0 &&
            playlist.segments.every((s) => this.#done.has(s.sequence))
          ) {
            log(
              '%s/%s: all %d segments indexed',
              this.target.streamId,
              this.target.rendition,
              playlist.segments.length,
            );
            return;
          }
          await sleep(backoff(this.deps.config.indexerRetryBaseMs * 4, 1), this.signal);
          continue;
        }
        const pollMs =
          this.deps.config.indexerPollMs ??
          // Viewers verify peers' copies of a new segment against its root within a second or
          // two of its publication: every poll interval is lag they may have to wait out.
          Math.max(MIN_POLL_MS, (playlist.targetDuration * 1000) / 4);
        await sleep(pollMs, this.signal);
      } catch (error) {
        if (this.signal.aborted) break;
        failures++;
        this.onProblem(`${this.target.rendition} playlist: ${String(error)}`);
        log(
          '%s: playlist failed (%d in a row): %s',
          this.target.playlistUrl,
          failures,
          String(error),
        );
        await sleep(
          backoff(this.deps.config.indexerRetryBaseMs * 4, Math.min(failures, 8)),
          this.signal,
        ).catch(() => undefined);
      }
    }
    await Promise.allSettled([...this.#inFlight.values(), this.#storing]);
    this.deps.metrics.indexerBacklog.dec(this.#unstored.size);
    if (this.#unstored.size > 0) {
      log(
        '%s/%s: stopped with %d root(s) not stored',
        this.target.streamId,
        this.target.rendition,
        this.#unstored.size,
      );
    }
  }

  async #fetchPlaylist(): Promise<MediaPlaylist> {
    const bytes = await originGet(
      this.deps,
      { url: this.target.playlistUrl },
      'playlist',
      this.signal,
      () => undefined,
    );
    const parsed = parsePlaylist(new TextDecoder().decode(bytes), this.target.playlistUrl);
    if (parsed.kind !== 'media')
      throw new PlaylistError(
        `${this.target.playlistUrl} is a master playlist, expected a media playlist`,
      );
    return parsed.playlist;
  }

  /**
   * Once: sequences of this window already stored (a restart does not fetch them again). With
   * the database down it is skipped for this poll: fetching a stored segment again only costs
   * bandwidth (its write does nothing), missing a new one would lose it.
   */
  async #loadStored(playlist: MediaPlaylist): Promise<void> {
    if (this.#loadedStored || playlist.segments.length === 0) return;
    try {
      const rows = await this.deps.db
        .selectFrom('segment_roots')
        .select('sequence')
        .where('stream_id', '=', this.target.streamId)
        .where('rendition', '=', this.target.rendition)
        .where('sequence', '>=', playlist.mediaSequence)
        .execute();
      for (const row of rows) this.#done.add(row.sequence);
      this.#loadedStored = true;
    } catch (error) {
      log('%s: stored sequences unreadable: %s', this.target.playlistUrl, String(error));
    }
  }

  #startNew(playlist: MediaPlaylist): void {
    for (const sequence of this.#done)
      if (sequence < playlist.mediaSequence) this.#done.delete(sequence);
    for (const segment of playlist.segments) {
      if (this.#done.has(segment.sequence) || this.#inFlight.has(segment.sequence)) continue;
      const task = this.deps.limiter
        .run(() => this.#indexSegment(segment))
        .finally(() => this.#inFlight.delete(segment.sequence));
      this.#inFlight.set(segment.sequence, task);
    }
  }

  /**
   * Fetches, hashes and stores one segment. A failed fetch is retried at the next poll; a root
   * the database does not take is kept and written later ({@link #storeUnstored}).
   */
  async #indexSegment(segment: PlaylistSegment): Promise<void> {
    if (this.signal.aborted) return;
    const { streamId, rendition } = this.target;
    let row: RootRow;
    try {
      // The segment's own bytes: its range of `url` when it has one (`map` is never fetched).
      const bytes = await originGet(
        this.deps,
        { url: segment.url, range: segment.range },
        'segment',
        this.signal,
        (error, attempt) =>
          log('%s attempt %d failed: %s', resourceLabel(segment), attempt, String(error)),
      );
      row = {
        stream_id: streamId,
        rendition,
        sequence: segment.sequence,
        root: bytesToHex(await merkleRoot(bytes)),
        byte_length: bytes.length,
        // When it was published (as far as the indexer saw), not when the database took it.
        indexed_at: nowDate(this.deps.clock),
      };
    } catch (error) {
      if (this.signal.aborted) return;
      this.deps.metrics.indexerSegments.inc({ result: 'failed' });
      this.onProblem(`${rendition} #${segment.sequence}: ${String(error)}`);
      log('%s/%s #%d not indexed yet: %s', streamId, rendition, segment.sequence, String(error));
      return;
    }
    this.#done.add(segment.sequence);
    if (this.#storeFailing) {
      this.#keep(row);
      return;
    }
    try {
      await this.#insert([row]);
      this.deps.metrics.indexerSegments.inc({ result: 'indexed' });
    } catch (error) {
      this.#storeFailing = true;
      log(
        '%s/%s #%d kept until the database is back: %s',
        streamId,
        rendition,
        row.sequence,
        String(error),
      );
      this.#keep(row);
    }
  }

  #insert(rows: RootRow[]): Promise<unknown> {
    return this.deps.db
      .insertInto('segment_roots')
      .values(rows)
      .onConflict((oc) => oc.columns(['stream_id', 'rendition', 'sequence']).doNothing())
      .execute();
  }

  #keep(row: RootRow): void {
    if (!this.#unstored.has(row.sequence)) this.deps.metrics.indexerBacklog.inc();
    this.#unstored.set(row.sequence, row);
    if (this.#unstored.size <= MAX_UNSTORED_ROOTS) return;
    const [oldest] = this.#unstored.keys();
    this.#unstored.delete(oldest!);
    this.deps.metrics.indexerBacklog.dec();
    this.deps.metrics.indexerSegments.inc({ result: 'failed' });
  }

  /** Writes the kept roots, oldest first; stops at the first failure (tried again next poll). */
  async #storeUnstored(): Promise<void> {
    while (this.#unstored.size > 0) {
      const rows = [...this.#unstored.values()]
        .sort((a, b) => a.sequence - b.sequence)
        .slice(0, STORE_CHUNK);
      try {
        await this.#insert(rows);
      } catch (error) {
        this.#storeFailing = true;
        log(
          '%s: %d root(s) still kept: %s',
          this.target.playlistUrl,
          this.#unstored.size,
          String(error),
        );
        return;
      }
      for (const row of rows) this.#unstored.delete(row.sequence);
      this.deps.metrics.indexerBacklog.dec(rows.length);
      this.deps.metrics.indexerSegments.inc({ result: 'indexed' }, rows.length);
      log('%s: stored %d kept root(s)', this.target.playlistUrl, rows.length);
    }
    this.#storeFailing = false;
  }
}
