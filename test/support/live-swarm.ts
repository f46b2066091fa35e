import type { P2PEngine, SegmentSource } from '@streamrp2p/player-sdk';
import { parseMediaPlaylist } from '@streamrp2p/protocol';

/**
 * A viewer without a decoder: follows a live media playlist and asks its engine for each new
 * segment with the deadline a real player would have (`bufferSegments` of buffer ahead).
 */
export class PlaybackClock {
  readonly sources: Record<SegmentSource, number> = { http: 0, p2p: 0, cache: 0 };
  readonly loaded = new Map<number, Uint8Array>();
  missedDeadlines = 0;
  errors: unknown[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private next: number | undefined;
  private stopped = false;

  constructor(
    private readonly engine: P2PEngine,
    private readonly playlistUrl: string,
    private readonly rendition: string,
    private readonly bufferMs = 4000,
  ) {}

  start(): void {
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      const response = await fetch(this.playlistUrl);
      const { segments } = parseMediaPlaylist(await response.text(), this.playlistUrl);
      // Start like hls.js at the live edge: three segments from the end.
      this.next ??= segments[Math.max(0, segments.length - 3)]?.sequence;
      for (const segment of segments) {
        if (this.stopped || this.next === undefined || segment.sequence < this.next) continue;
        const startedAt = performance.now();
        const result = await this.engine.loadSegment({
          rendition: this.rendition,
          sequence: segment.sequence,
          url: segment.url,
          deadlineMs: this.bufferMs,
          live: true,
        });
        if (performance.now() - startedAt > this.bufferMs) this.missedDeadlines += 1;
        this.sources[result.source] += 1;
        this.loaded.set(segment.sequence, result.bytes);
        this.engine.setPlayhead(this.rendition, segment.sequence, true);
        this.next = segment.sequence + 1;
      }
    } catch (error) {
      this.errors.push(error);
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), 1000);
  }
}
