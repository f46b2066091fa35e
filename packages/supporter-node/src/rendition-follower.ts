import type { P2PEngine, SegmentSource } from '@streamrp2p/player-sdk';
import { parseMediaPlaylist } from '@streamrp2p/protocol';
import { remainingWindowMs } from './playlist.js';

/** What a follower reports to its node. */
export interface FollowerHooks {
  segment(event: { sequence: number; source: SegmentSource; bytes: number; ms: number }): void;
  error(kind: 'playlist' | 'segment', message: string): void;
}

/**
 * Follows one live media playlist and has the engine load every segment in the window, with
 * the time the segment stays listed as its deadline: the node holds the whole live window, and
 * fetches a segment over HTTP only when no peer brings it first.
 */
export class RenditionFollower {
  /** Highest sequence handed to the engine. */
  private requested = -1;
  /** Highest sequence loaded: the node's playhead. */
  private playhead = -1;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly abort = new AbortController();
  private stopped = false;
  ended = false;

  constructor(
    private readonly engine: P2PEngine,
    readonly playlistUrl: string,
    readonly rendition: string,
    private readonly refreshMs: number,
    private readonly hooks: FollowerHooks,
  ) {}

  start(): void {
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort();
  }

  private async tick(): Promise<void> {
    try {
      const response = await fetch(this.playlistUrl, { signal: this.abort.signal });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const playlist = parseMediaPlaylist(await response.text(), this.playlistUrl);
      for (const segment of playlist.segments) {
        if (this.stopped || segment.sequence <= this.requested) continue;
        this.requested = segment.sequence;
        void this.load(
          segment.sequence,
          segment.url,
          remainingWindowMs(playlist, segment.sequence),
        );
      }
      this.ended = playlist.ended;
    } catch (error) {
      if (!this.stopped) this.hooks.error('playlist', `${this.playlistUrl}: ${message(error)}`);
    }
    // A stream that ended has nothing new: keep what we hold and stop reloading.
    if (!this.stopped && !this.ended) {
      this.timer = setTimeout(() => void this.tick(), this.refreshMs);
    }
  }

  private async load(sequence: number, url: string, deadlineMs: number): Promise<void> {
    const startedAt = performance.now();
    try {
      const result = await this.engine.loadSegment({
        rendition: this.rendition,
        sequence,
        url,
        deadlineMs,
        live: true,
        signal: this.abort.signal,
      });
      if (sequence > this.playhead) {
        this.playhead = sequence;
        this.engine.setPlayhead(this.rendition, sequence, true);
      }
      this.hooks.segment({
        sequence,
        source: result.source,
        bytes: result.bytes.byteLength,
        ms: performance.now() - startedAt,
      });
    } catch (error) {
      if (!this.stopped)
        this.hooks.error('segment', `${this.rendition} #${sequence}: ${message(error)}`);
    }
  }
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
