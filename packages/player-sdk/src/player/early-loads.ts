import type Hls from 'hls.js';
import type {
  FragmentLoaderContext,
  HlsConfig,
  Loader,
  LoaderCallbacks,
  LoaderConfiguration,
} from 'hls.js';
import { renditionId } from '@streamrp2p/protocol';
import type { EarlierHttpLoad } from '../p2p/engine-types.js';
import { requestedRange } from '../hlsjs/requested-range.js';

type FragmentLoaderClass = new (config: HlsConfig) => Loader<FragmentLoaderContext>;

/**
 * Until the returned `stop()`, has hls.js' fragment loader (the developer's `fLoader`, else its
 * own) hand each main media segment it loads to `onLoad`: its size, its timings and a copy of
 * its bytes. The player plays over HTTP before P2P is added (decision 60); the engine takes
 * these loads over, so they count in its stats and its peers can get those segments from it.
 * hls.js transfers a segment's buffer to its transmuxing worker, so the copy is taken here,
 * before hls.js sees the bytes (a memory copy of a few hundred kilobytes, well under a
 * millisecond; `keepBytes: false` only counts). `stop()` puts the loader back as it was.
 *
 * @example
 * const stop = captureEarlyLoads(hls, (load) => early.push(load));
 * // later, once P2P is added:
 * stop();
 */
export function captureEarlyLoads(
  hls: Pick<Hls, 'config'>,
  onLoad: (load: EarlierHttpLoad) => void,
  { keepBytes = true }: { keepBytes?: boolean } = {},
): () => void {
  const own = hls.config.fLoader;
  const Base = (own ?? hls.config.loader) as FragmentLoaderClass;
  hls.config.fLoader = class EarlyLoadsLoader extends Base {
    override load(
      context: FragmentLoaderContext,
      config: LoaderConfiguration,
      callbacks: LoaderCallbacks<FragmentLoaderContext>,
    ): void {
      const { frag, part } = context;
      if (frag.type !== 'main' || typeof frag.sn !== 'number' || part) {
        super.load(context, config, callbacks);
        return;
      }
      const sequence = frag.sn;
      super.load(context, config, {
        ...callbacks,
        onSuccess: (response, stats, loaded, details) => {
          const { data } = response;
          if (data instanceof ArrayBuffer) {
            const range = requestedRange(context);
            const whole = !range || data.byteLength === range.end - range.start;
            onLoad({
              rendition: renditionId(frag.baseurl),
              sequence,
              bytes: data.byteLength,
              // Only the bytes a peer would get for this fragment are worth holding.
              data: keepBytes && whole ? new Uint8Array(data.slice(0)) : undefined,
              totalMs: stats.loading.end - stats.loading.start,
              ttfbMs: stats.loading.first - stats.loading.start,
            });
          }
          callbacks.onSuccess(response, stats, loaded, details);
        },
      });
    }
  };
  return () => {
    hls.config.fLoader = own;
  };
}
