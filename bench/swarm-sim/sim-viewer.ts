/**
 * A simulated viewer: the SDK's engine with `@roamhq/wrtc` and a playback clock that consumes
 * segments in real time without decoding. It starts like hls.js at the live edge (three
 * segments behind it), loads one segment at a time, and gives the engine the real deadline:
 * the time left before playback runs out of buffered media. A segment that arrives later
 * than that is a stall: counted, and playback resumes when it arrives.
 */
import wrtc from '@roamhq/wrtc';
import { P2PEngine } from '@streamrp2p/player-sdk';
import { parseMediaPlaylist, renditionId, type PlaylistSegment } from '@streamrp2p/protocol';
import type { ViewerReport } from './messages.js';

const PLAYLIST_RELOAD_MS = 1000;
const START_BEHIND_EDGE = 3;
const MAX_ERROR_SAMPLES = 5;

export class SimViewer {
  readonly engine: P2PEngine;
  private readonly rendition: string;
  private readonly report: ViewerReport;
  private readonly joinedAt = performance.now();
  /** Wall time (performance.now) when playback runs out of buffered media. */
  private bufferEnd: number | undefined;
  private next: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    id: string,
    joinedAtMs: number,
    private readonly playlistUrl: string,
    options: { trackerUrl: string; streamId: string; maxPeers: number },
  ) {
    this.rendition = renditionId(playlistUrl);
    this.engine = new P2PEngine({
      streamId: options.streamId,
      trackerUrl: options.trackerUrl,
      wrtc,
      iceServers: [],
      maxPeers: options.maxPeers,
      consumeOnly: false,
    });
    this.report = {
      id,
      joinedAtMs,
      startupMs: null,
      segments: 0,
      sources: { http: 0, p2p: 0, cache: 0 },
      httpBytes: 0,
      p2pBytes: 0,
      uploadedBytes: 0,
      peers: 0,
      missedDeadlines: 0,
      stallMs: 0,
      httpSequences: [],
      httpReasons: {},
      errors: {},
      errorSamples: [],
      loadFailures: 0,
      peerConnects: 0,
      peerCloses: {},
    };
    this.engine.on('error', ({ code, message }) => {
      this.report.errors[code] = (this.report.errors[code] ?? 0) + 1;
      if (this.report.errorSamples.length < MAX_ERROR_SAMPLES) {
        this.report.errorSamples.push(`${code}: ${message}`);
      }
    });
    this.engine.on('peer-connect', () => (this.report.peerConnects += 1));
    this.engine.on('peer-close', ({ reason }) => {
      const key = reason.replace(/[0-9a-f-]{8,}/gi, '…').slice(0, 60);
      this.report.peerCloses[key] = (this.report.peerCloses[key] ?? 0) + 1;
    });
  }

  start(): void {
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Figures so far; a stall still going on at the end counts. */
  figures(): ViewerReport {
    const stats = this.engine.getStats();
    const now = performance.now();
    const openStall =
      this.bufferEnd !== undefined && now > this.bufferEnd ? now - this.bufferEnd : 0;
    return {
      ...this.report,
      httpBytes: stats.httpBytes,
      p2pBytes: stats.p2pBytes,
      uploadedBytes: stats.uploadedBytes,
      peers: stats.peers,
      stallMs: Math.round(this.report.stallMs + openStall),
    };
  }

  private async tick(): Promise<void> {
    try {
      const text = await (await fetch(this.playlistUrl)).text();
      const { segments } = parseMediaPlaylist(text, this.playlistUrl);
      this.next ??= segments[Math.max(0, segments.length - START_BEHIND_EDGE)]?.sequence;
      for (const segment of segments) {
        if (this.stopped) return;
        if (this.next === undefined || segment.sequence < this.next) continue;
        await this.load(segment);
        this.next = segment.sequence + 1;
      }
    } catch {
      // A playlist reload failed: try again at the next reload, like hls.js.
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), PLAYLIST_RELOAD_MS);
  }

  private async load(segment: PlaylistSegment): Promise<void> {
    const startedAt = performance.now();
    const deadlineMs = this.bufferEnd === undefined ? 0 : Math.max(0, this.bufferEnd - startedAt);
    try {
      const result = await this.engine.loadSegment({
        rendition: this.rendition,
        sequence: segment.sequence,
        url: segment.url,
        deadlineMs,
        live: true,
      });
      const now = performance.now();
      const mediaMs = segment.duration * 1000;
      if (result.httpReason) {
        const why = this.bufferEnd === undefined ? 'startup' : result.httpReason;
        this.report.httpReasons[why] = (this.report.httpReasons[why] ?? 0) + 1;
      }
      if (this.bufferEnd === undefined) {
        this.report.startupMs = Math.round(now - this.joinedAt);
        this.bufferEnd = now + mediaMs;
      } else if (now > this.bufferEnd) {
        this.report.missedDeadlines += 1;
        this.report.stallMs += now - this.bufferEnd;
        this.bufferEnd = now + mediaMs;
      } else {
        this.bufferEnd += mediaMs;
      }
      this.report.segments += 1;
      this.report.sources[result.source] += 1;
      if (result.source === 'http') this.report.httpSequences.push(segment.sequence);
      this.engine.setPlayhead(this.rendition, segment.sequence, true);
    } catch {
      this.report.loadFailures += 1;
    }
  }
}
