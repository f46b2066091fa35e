import type { SegmentSource } from '@streamrp2p/player-sdk';
import type { P2PEngine } from '@streamrp2p/player-sdk';

/** One segment of a live media playlist. */
export interface LiveSegment {
  sequence: number;
  url: string;
  duration: number;
}

/** Parses a live media playlist into absolute segment URLs with their sequence numbers. */
export function parseMediaPlaylist(text: string, playlistUrl: string): LiveSegment[] {
  const lines = text.split('\n').map((line) => line.trim());
  let sequence = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? 0);
  const segments: LiveSegment[] = [];
  let duration = 0;
  for (const line of lines) {
    if (line.startsWith('#EXTINF:')) duration = parseFloat(line.slice(8));
    else if (line && !line.startsWith('#')) {
      segments.push({ sequence, url: new URL(line, playlistUrl).toString(), duration });
      sequence += 1;
    }
  }
  return segments;
}

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
      const segments = parseMediaPlaylist(await response.text(), this.playlistUrl);
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
