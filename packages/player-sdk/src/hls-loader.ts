import type Hls from 'hls.js';
import type {
  FragmentLoaderContext,
  HlsConfig,
  Loader,
  LoaderCallbacks,
  LoaderConfiguration,
  LoaderContext,
  LoaderStats,
} from 'hls.js';
import { renditionId } from '@streamrp2p/protocol';
import type { P2PEngine } from './engine.js';
import { isAbort } from './errors.js';

type LoaderClass = new (config: HlsConfig) => Loader<LoaderContext>;

export { renditionId };

function emptyStats(): LoaderStats {
  return {
    aborted: false,
    loaded: 0,
    retry: 0,
    total: 0,
    chunkCount: 0,
    bwEstimate: 0,
    loading: { start: 0, first: 0, end: 0 },
    parsing: { start: 0, end: 0 },
    buffering: { start: 0, first: 0, end: 0 },
  };
}

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
 * Creates the hls.js fragment loader class for one player: main-rendition media segments go
 * through the engine (peers, then HTTP); anything else goes to hls.js' own loader.
 */
export function createFragmentLoader(
  engine: P2PEngine,
  getHls: () => Hls | undefined,
  DefaultLoader: LoaderClass,
): LoaderClass {
  return class StreamrFragmentLoader implements Loader<LoaderContext> {
    context: LoaderContext | null = null;
    stats: LoaderStats = emptyStats();
    private fallback: Loader<LoaderContext> | undefined;
    private controller: AbortController | undefined;
    private callbacks: LoaderCallbacks<LoaderContext> | undefined;
    private timeout: ReturnType<typeof setTimeout> | undefined;

    constructor(private readonly hlsConfig: HlsConfig) {}

    load(
      context: LoaderContext,
      config: LoaderConfiguration,
      callbacks: LoaderCallbacks<LoaderContext>,
    ): void {
      this.context = context;
      const frag = (context as FragmentLoaderContext).frag;
      const hls = getHls();
      if (
        !hls ||
        !frag ||
        typeof frag.sn !== 'number' ||
        frag.type !== 'main' ||
        (context as FragmentLoaderContext).part
      ) {
        this.fallback = new DefaultLoader(this.hlsConfig);
        this.stats = this.fallback.stats;
        this.fallback.load(context, config, callbacks);
        return;
      }
      this.callbacks = callbacks;
      this.controller = new AbortController();
      const stats = this.stats;
      stats.loading.start = performance.now();
      const level = hls.levels[frag.level];
      const rendition = renditionId(frag.baseurl);
      const live = level?.details?.live ?? false;
      const maxLoadMs = config.loadPolicy?.maxLoadTimeMs ?? config.timeout;
      if (maxLoadMs > 0) {
        this.timeout = setTimeout(() => this.onTimeout(), maxLoadMs);
      }
      const range =
        context.rangeEnd !== undefined && context.rangeStart !== undefined
          ? { start: context.rangeStart, end: context.rangeEnd }
          : undefined;
      engine.setPlayhead(rendition, frag.sn, live);
      engine
        .loadSegment({
          rendition,
          sequence: frag.sn,
          url: context.url,
          range,
          deadlineMs: playbackDeadlineMs(hls.media, frag.start),
          live,
          signal: this.controller.signal,
          onProgress: (loaded, total) => {
            if (!stats.loading.first) stats.loading.first = performance.now();
            stats.loaded = loaded;
            stats.total = total ?? 0;
          },
        })
        .then((result) => {
          if (this.controller?.signal.aborted || !this.callbacks) return;
          clearTimeout(this.timeout);
          stats.loading.first ||= result.firstByteAt;
          stats.loading.end = performance.now();
          stats.loaded = stats.total = result.bytes.byteLength;
          stats.chunkCount += 1;
          // hls.js may transfer this buffer to its worker, which empties it: hand over a copy.
          const data = result.bytes.slice().buffer;
          this.callbacks.onSuccess({ url: context.url, data }, stats, context, null);
        })
        .catch((error: unknown) => {
          if (isAbort(error) || !this.callbacks) return;
          clearTimeout(this.timeout);
          const status = (error as { details?: { status?: number } }).details?.status ?? 0;
          this.callbacks.onError({ code: status, text: String(error) }, context, null, stats);
        });
    }

    abort(): void {
      if (this.fallback) return this.fallback.abort();
      this.stats.aborted = true;
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

    private onTimeout(): void {
      const callbacks = this.callbacks;
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
