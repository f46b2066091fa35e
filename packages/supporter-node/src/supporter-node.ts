import wrtc from '@roamhq/wrtc';
import { P2PEngine, type EngineStats, type SegmentSource } from '@streamrp2p/player-sdk';
import { renditionId, renditionUrls } from '@streamrp2p/protocol';
import { isSelected, mergeSupporterConfig, type SupporterNodeConfig } from './config.js';
import type { SupporterNodeOptions } from './config.js';
import { SupporterError, SupporterErrorCode } from './errors.js';
import { Listeners } from './listeners.js';
import { RenditionFollower } from './rendition-follower.js';

/** What the node reports each `progressIntervalMs`. */
export interface SupporterProgress {
  /** Since `start()`, in ms. */
  elapsedMs: number;
  renditions: string[];
  /** The engine's running totals (bytes down over HTTP and P2P, bytes uploaded, peers...). */
  stats: EngineStats;
  /** Rates over the last interval, kbit/s. */
  httpKbps: number;
  p2pKbps: number;
  uploadKbps: number;
  /**
   * Coordinator figures: receipts *we* signed for bytes peers served us and that the
   * coordinator credited, challenges we passed, and the bytes the coordinator credited *us* for
   * serving peers (read every `creditRefreshMs`; undefined until the first read succeeded).
   * Undefined in open mode.
   */
  coordinator:
    | {
        sessionId: string | undefined;
        receiptsCredited: number;
        challengesPassed: number;
        creditedBytes: number | undefined;
      }
    | undefined;
}

/** Events of a {@link SupporterNode}. */
export interface SupporterNodeEvents {
  [event: string]: unknown;
  /** The master playlist was read and the renditions are followed. */
  started: { renditions: string[]; streamId: string };
  progress: SupporterProgress;
  segment: {
    rendition: string;
    sequence: number;
    source: SegmentSource;
    bytes: number;
    ms: number;
  };
  /** Trouble the node survives (a playlist or segment failed, P2P or tracker trouble). */
  error: { code: SupporterErrorCode; message: string };
}

/**
 * A headless supporter: runs the SDK's engine in Node (WebRTC from `@roamhq/wrtc`), follows
 * every rendition of a live stream, holds each live window and serves it to viewers under an
 * upload cap. A platform runs one as the "genesis node" of a new stream.
 *
 * @example
 * const node = new SupporterNode({
 *   streamUrl: 'https://cdn.example.com/live/master.m3u8',
 *   streamId: 'my-stream',
 *   trackerUrl: 'https://tracker.example.com',
 *   maxUploadKbps: 20_000,
 * });
 * node.on('progress', (p) => console.log(p.stats.peers, p.uploadKbps));
 * await node.start();
 * // ...
 * await node.close();
 */
export class SupporterNode {
  readonly config: SupporterNodeConfig;
  readonly engine: P2PEngine;
  private readonly listeners = new Listeners<SupporterNodeEvents>((error) =>
    console.error('streamrp2p-node: a listener threw', error),
  );
  private readonly followers: RenditionFollower[] = [];
  private progressTimer: ReturnType<typeof setInterval> | undefined;
  private creditTimer: ReturnType<typeof setInterval> | undefined;
  /** Bytes the coordinator credited us for serving, at its last answer. */
  private creditedBytes: number | undefined;
  private startedAt = 0;
  private last = { at: 0, http: 0, p2p: 0, up: 0 };
  private closed = false;

  constructor(options: SupporterNodeOptions) {
    this.config = mergeSupporterConfig(options);
    const { config } = this;
    this.engine = new P2PEngine({
      streamId: config.streamId,
      trackerUrl: config.trackerUrl,
      coordinatorUrl: config.coordinatorUrl,
      wrtc: config.wrtc ?? wrtc,
      iceServers: config.iceServers,
      maxPeers: config.maxPeers,
      maxUploadKbps: config.maxUploadKbps,
      // A supporter exists to upload, whatever the connection looks like.
      consumeOnly: false,
      ...config.engine,
    });
    this.engine.on('error', ({ code, message }) =>
      this.listeners.emit('error', {
        code: SupporterErrorCode.Engine,
        message: `${code}: ${message}`,
      }),
    );
  }

  on<E extends keyof SupporterNodeEvents>(
    event: E,
    listener: (payload: SupporterNodeEvents[E]) => void,
  ): () => void {
    return this.listeners.on(event, listener);
  }

  /** Reads the master playlist and starts following the selected renditions. */
  async start(): Promise<{ renditions: string[] }> {
    if (this.closed)
      throw new SupporterError(SupporterErrorCode.InvalidConfig, 'the node was closed');
    const { streamUrl, renditions: selected } = this.config;
    let playlists: string[];
    try {
      const response = await fetch(streamUrl);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      playlists = renditionUrls(await response.text(), streamUrl);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new SupporterError(SupporterErrorCode.PlaylistFailed, `${streamUrl}: ${message}`);
    }
    const chosen = playlists.filter((url) => isSelected(url, selected));
    if (chosen.length === 0) {
      const available = playlists.map(renditionId).join(', ');
      throw new SupporterError(
        SupporterErrorCode.InvalidConfig,
        `no rendition matches ${selected?.join(',')}; the stream has ${available}`,
      );
    }
    if (this.closed) return { renditions: [] };
    this.startedAt = performance.now();
    this.last = { at: this.startedAt, http: 0, p2p: 0, up: 0 };
    for (const url of chosen) {
      const rendition = renditionId(url);
      const follower = new RenditionFollower(
        this.engine,
        url,
        rendition,
        this.config.playlistRefreshMs,
        {
          segment: (event) => this.listeners.emit('segment', { rendition, ...event }),
          error: (kind, message) =>
            this.listeners.emit('error', {
              code:
                kind === 'playlist'
                  ? SupporterErrorCode.PlaylistFailed
                  : SupporterErrorCode.SegmentFailed,
              message,
            }),
        },
      );
      this.followers.push(follower);
      follower.start();
    }
    this.progressTimer = setInterval(
      () => this.listeners.emit('progress', this.progress()),
      this.config.progressIntervalMs,
    );
    if (this.engine.coordinator) {
      this.creditTimer = setInterval(() => void this.refreshCredit(), this.config.creditRefreshMs);
    }
    const renditions = this.followers.map((f) => f.rendition);
    this.listeners.emit('started', { renditions, streamId: this.config.streamId });
    return { renditions };
  }

  /** The current figures (what `progress` carries). */
  progress(): SupporterProgress {
    const stats = this.engine.getStats();
    const now = performance.now();
    const seconds = Math.max(0.001, (now - this.last.at) / 1000);
    const kbps = (bytes: number) => (bytes * 8) / 1000 / seconds;
    const progress: SupporterProgress = {
      elapsedMs: Math.round(now - this.startedAt),
      renditions: this.followers.map((f) => f.rendition),
      stats,
      httpKbps: kbps(stats.httpBytes - this.last.http),
      p2pKbps: kbps(stats.p2pBytes - this.last.p2p),
      uploadKbps: kbps(stats.uploadedBytes - this.last.up),
      coordinator: this.coordinatorFigures(stats),
    };
    this.last = { at: now, http: stats.httpBytes, p2p: stats.p2pBytes, up: stats.uploadedBytes };
    return progress;
  }

  /** Stops following, leaves the swarms and closes every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.progressTimer);
    clearInterval(this.creditTimer);
    this.followers.forEach((follower) => follower.stop());
    await this.engine.coordinator?.flushReceipts().catch(() => undefined);
    await this.engine.destroy();
    this.listeners.clear();
  }

  private coordinatorFigures(stats: EngineStats): SupporterProgress['coordinator'] {
    const link = this.engine.coordinator;
    if (!link) return undefined;
    const coordinator = link.getStats();
    return {
      sessionId: stats.sessionId,
      receiptsCredited: coordinator.receipts.credited,
      challengesPassed: coordinator.challenges.passed,
      creditedBytes: this.creditedBytes,
    };
  }

  /**
   * Reads the credit the coordinator gave us for serving peers (it rises as the viewers we
   * serve post their receipts). A failure keeps the last figure and is reported as an error.
   */
  async refreshCredit(): Promise<number | undefined> {
    const link = this.engine.coordinator;
    if (!link || this.closed) return this.creditedBytes;
    try {
      this.creditedBytes = (await link.summary()).creditedBytes;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.listeners.emit('error', {
        code: SupporterErrorCode.Engine,
        message: `reading our credit: ${message}`,
      });
    }
    return this.creditedBytes;
  }
}
