/**
 * Follows one registered stream: reads its playlist (a master, or a media playlist used as the
 * only rendition), records the renditions, and runs a {@link RenditionFollower} for each.
 */
import { renditionId, renditionUrls } from '@streamrp2p/protocol';
import createDebug from 'debug';
import { nowDate } from '../util/clock.js';
import { originGet, type IndexerDeps } from './indexer-deps.js';
import { backoff, sleep } from './origin-fetch.js';
import { RenditionFollower, type RenditionTarget } from './rendition-follower.js';

const log = createDebug('streamrp2p:coordinator:indexer');

export class StreamFollower {
  readonly #controller = new AbortController();
  #running: Promise<void> | undefined;
  /** Storing the renditions again after the database refused them (an outage). */
  #storing: Promise<void> | undefined;
  #lastError: { message: string; at: Date } | undefined;

  constructor(
    private readonly deps: IndexerDeps,
    readonly streamId: string,
    readonly hlsUrl: string,
  ) {}

  /** The latest failure to read the playlist or a segment, for the studio. */
  get lastError(): { message: string; at: Date } | undefined {
    return this.#lastError;
  }

  #problem(message: string): void {
    this.#lastError = { message, at: nowDate(this.deps.clock) };
  }

  /** Starts following; `stop()` ends it. */
  start(): void {
    this.#running ??= this.#run();
  }

  /** Stops every poll and fetch of this stream; resolves when they have ended. */
  async stop(): Promise<void> {
    this.#controller.abort(new Error(`stopped following ${this.streamId}`));
    await this.#running;
  }

  async #run(): Promise<void> {
    const signal = this.#controller.signal;
    const targets = await this.#discover(signal);
    if (targets === undefined) return;
    await Promise.all(
      targets.map((t) =>
        new RenditionFollower(this.deps, t, signal, (message) => this.#problem(message)).run(),
      ),
    );
    await this.#storing;
  }

  /** The renditions, retried with backoff until found or stopped. */
  async #discover(signal: AbortSignal): Promise<RenditionTarget[] | undefined> {
    for (let failures = 1; !signal.aborted; failures++) {
      try {
        const bytes = await originGet(
          this.deps,
          { url: this.hlsUrl },
          'playlist',
          signal,
          () => undefined,
        );
        const urls = renditionUrls(new TextDecoder().decode(bytes), this.hlsUrl);
        const byId = new Map(urls.map((url) => [renditionId(url), url]));
        const targets = [...byId].map(([rendition, playlistUrl]) => ({
          streamId: this.streamId,
          rendition,
          playlistUrl,
        }));
        // With the database down the renditions are indexed all the same (their roots wait in
        // memory) and recorded once it is back.
        await this.#store(targets).catch((error: unknown) => {
          log('stream %s: renditions not stored yet: %s', this.streamId, String(error));
          this.#storing = this.#storeLater(targets, signal);
        });
        log('stream %s: %d rendition(s) %o', this.streamId, targets.length, [...byId.keys()]);
        return targets;
      } catch (error) {
        if (signal.aborted) break;
        this.#problem(`playlist ${this.hlsUrl}: ${String(error)}`);
        log(
          'stream %s: %s unreadable (%d): %s',
          this.streamId,
          this.hlsUrl,
          failures,
          String(error),
        );
        await sleep(
          backoff(this.deps.config.indexerRetryBaseMs * 4, Math.min(failures, 8)),
          signal,
        ).catch(() => undefined);
      }
    }
    return undefined;
  }

  async #storeLater(targets: RenditionTarget[], signal: AbortSignal): Promise<void> {
    for (let failures = 1; !signal.aborted; failures++) {
      await sleep(
        backoff(this.deps.config.indexerRetryBaseMs * 4, Math.min(failures, 8)),
        signal,
      ).catch(() => undefined);
      if (signal.aborted) return;
      try {
        await this.#store(targets);
        return;
      } catch (error) {
        log('stream %s: renditions still not stored: %s', this.streamId, String(error));
      }
    }
  }

  async #store(targets: RenditionTarget[]): Promise<void> {
    if (targets.length === 0) return;
    const now = nowDate(this.deps.clock);
    await this.deps.db
      .insertInto('renditions')
      .values(
        targets.map((t) => ({
          stream_id: t.streamId,
          rendition: t.rendition,
          playlist_url: t.playlistUrl,
          discovered_at: now,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(['stream_id', 'rendition'])
          .doUpdateSet((eb) => ({ playlist_url: eb.ref('excluded.playlist_url') })),
      )
      .execute();
  }
}
