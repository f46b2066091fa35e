import type Hls from 'hls.js';
import type {
  FragmentLoaderConstructor,
  FragmentLoaderContext,
  HlsConfig,
  Loader,
  LoaderCallbacks,
  LoaderConfiguration,
  LoaderContext,
  LoaderStats,
} from 'hls.js';
import { renditionId } from '@streamrp2p/protocol';
import { isAbort } from '../errors.js';
import type { SegmentRequest, SegmentResult } from '../p2p/load-segment.js';
import { requestedRange } from './requested-range.js';
import {
  deliveredTiming,
  emptyStats,
  httpTiming,
  notStartedTiming,
  type ReferenceRate,
} from './loader-stats.js';

/** hls.js' general loader (`config.loader`), or a fragment loader (`config.fLoader`). */
type FallbackLoaderClass =
  (new (config: HlsConfig) => Loader<LoaderContext>) | FragmentLoaderConstructor;

export { renditionId };

/** What the fragment loader needs of the engine. */
export interface LoaderEngine {
  loadSegment(request: SegmentRequest): Promise<SegmentResult>;
  setPlayhead(rendition: string, sequence: number, live: boolean): void;
  /** HTTP throughput measured on this viewer's real transfers, once there was one. */
  httpRate(): ReferenceRate | undefined;
}

/** What the fragment loader reads of the hls.js instance. */
export type LoaderHls = Pick<Hls, 'levels' | 'media' | 'bandwidthEstimate' | 'ttfbEstimate'>;

/** Milliseconds until playback reaches `start` (s), or runs out of contiguous buffer. */
export function playbackDeadlineMs(
  media: HTMLMediaElement | null | undefined,
  start: number,
): number {
  if (!media || media.readyState < 2) return 0;
  const now = media.currentTime;
  let bufferedEnd = now;
  for (let i = 0; i < media.buffered.length; i++) {
    if (media.buffered.start(i) <= now + 0.1 && media.buffered.end(i) > now)
      bufferedEnd = media.buffered.end(i);
  }
  const until = Math.min(start, bufferedEnd) - now;
  const rate = media.playbackRate > 0 ? media.playbackRate : 1;
  return Math.max(0, (until * 1000) / rate);
}

/**
 * The renditions of a ladder in the order the player may need them: the start level's first,
 * then the others by their distance from it (the higher first at equal distance: ABR climbs
 * from a low start). Repeats (levels sharing a playlist) are dropped.
 */
export function renditionsNear(levels: readonly { uri: string }[], start: number): string[] {
  const from = Math.min(Math.max(0, start), levels.length - 1);
  const order = levels
    .map((level, index) => ({ level, index }))
    .sort(
      (a, b) =>
        Math.abs(a.index - from) - Math.abs(b.index - from) ||
        Math.sign(b.index - from) - Math.sign(a.index - from),
    );
  return [...new Set(order.map(({ level }) => renditionId(level.uri)))];
}

/**
 * Creates the hls.js fragment loader class for one player: main-rendition media segments go
 * through the engine (peers, then HTTP); anything else (init segments, parts, audio and
 * subtitle tracks) goes to hls.js' own loader.
 *
 * The stats it gives hls.js are the ABR's only view of the network, so they describe the
 * origin path (see `loader-stats.ts`): HTTP transfers as measured, peer and store deliveries at
 * the rate HTTP gives this viewer, and waits for peers not at all.
 */
export function createFragmentLoader(
  engine: LoaderEngine,
  getHls: () => LoaderHls | undefined,
  DefaultLoader: FallbackLoaderClass,
): FragmentLoaderConstructor {
  return class StreamrFragmentLoader implements Loader<FragmentLoaderContext> {
    context: FragmentLoaderContext | null = null;
    stats: LoaderStats = emptyStats();
    private fallback: Loader<FragmentLoaderContext> | undefined;
    private controller: AbortController | undefined;
    private callbacks: LoaderCallbacks<FragmentLoaderContext> | undefined;
    private timeout: ReturnType<typeof setTimeout> | undefined;
    private requestedAt = 0;
    /** Whether `stats.loading` still floats with the clock (no HTTP transfer began). */
    private floating = false;

    constructor(private readonly hlsConfig: HlsConfig) {}

    load(
      context: FragmentLoaderContext,
      config: LoaderConfiguration,
      callbacks: LoaderCallbacks<FragmentLoaderContext>,
    ): void {
      this.context = context;
      const frag = context.frag;
      const hls = getHls();
      if (!hls || !frag || typeof frag.sn !== 'number' || frag.type !== 'main' || context.part) {
        // hls.js' general loader is its default fragment loader too (hls.js does the same).
        this.fallback = new DefaultLoader(this.hlsConfig) as Loader<FragmentLoaderContext>;
        this.stats = this.fallback.stats;
        this.fallback.load(context, config, callbacks);
        return;
      }
      this.callbacks = callbacks;
      this.controller = new AbortController();
      const stats = this.stats;
      this.requestedAt = performance.now();
      stats.loading = notStartedTiming();
      this.floating = true;
      const rendition = renditionId(frag.baseurl);
      const live = hls.levels[frag.level]?.details?.live ?? false;
      const maxLoadMs = config.loadPolicy?.maxLoadTimeMs ?? config.timeout;
      if (maxLoadMs > 0) {
        this.timeout = setTimeout(() => this.onTimeout(), maxLoadMs);
      }
      engine.setPlayhead(rendition, frag.sn, live);
      engine
        .loadSegment({
          rendition,
          sequence: frag.sn,
          url: context.url,
          range: requestedRange(context),
          deadlineMs: playbackDeadlineMs(hls.media, frag.start),
          live,
          signal: this.controller.signal,
          onHttpProgress: (transfer) => {
            this.floating = false;
            stats.loading = httpTiming(transfer);
            stats.loaded = transfer.loaded;
          },
        })
        .then((result) => {
          if (this.controller?.signal.aborted || !this.callbacks) return;
          clearTimeout(this.timeout);
          this.floating = false;
          stats.loading = deliveredTiming(result, this.referenceRate(hls), performance.now());
          stats.loaded = stats.total = result.bytes.byteLength;
          stats.chunkCount += 1;
          // hls.js may transfer this buffer to its worker, which empties it: hand over a copy.
          const data = result.bytes.slice().buffer;
          this.callbacks.onSuccess({ url: context.url, data }, stats, context, null);
        })
        .catch((error: unknown) => {
          if (isAbort(error) || !this.callbacks) return;
          clearTimeout(this.timeout);
          this.freezeTiming();
          const status = (error as { details?: { status?: number } }).details?.status ?? 0;
          this.callbacks.onError({ code: status, text: String(error) }, context, null, stats);
        });
    }

    abort(): void {
      if (this.fallback) return this.fallback.abort();
      this.stats.aborted = true;
      this.freezeTiming();
      this.cancel();
      const callbacks = this.callbacks;
      this.callbacks = undefined;
      if (this.context) callbacks?.onAbort?.(this.stats, this.context, null);
    }

    destroy(): void {
      this.fallback?.destroy();
      this.cancel();
      this.callbacks = undefined;
      this.context = null;
    }

    /** What hls.js believes of peer and store deliveries: our HTTP measurement, else its own. */
    private referenceRate(hls: LoaderHls): ReferenceRate {
      return (
        engine.httpRate() ?? { bitsPerSecond: hls.bandwidthEstimate, ttfbMs: hls.ttfbEstimate }
      );
    }

    /** A load that ends before any HTTP transfer keeps its real start: hls.js sees its length. */
    private freezeTiming(): void {
      if (!this.floating) return;
      this.floating = false;
      this.stats.loading = { start: this.requestedAt, first: 0, end: 0 };
    }

    private onTimeout(): void {
      const callbacks = this.callbacks;
      this.freezeTiming();
      this.cancel();
      this.callbacks = undefined;
      if (this.context) callbacks?.onTimeout(this.stats, this.context, null);
    }

    private cancel(): void {
      clearTimeout(this.timeout);
      this.controller?.abort();
    }
  };
}
