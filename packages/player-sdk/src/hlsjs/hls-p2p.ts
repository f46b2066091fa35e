import type Hls from 'hls.js';
import type { ErrorData, FragmentLoaderConstructor, ManifestParsedData } from 'hls.js';
import { afterFirstFrame, HAVE_CURRENT_DATA } from '../first-frame.js';
import type { EngineOptions } from '../p2p/config.js';
import { P2PEngine } from '../p2p/engine.js';
import type { EngineEvents, EngineStats, UploadPolicyState } from '../p2p/engine-types.js';
import type { UploadPolicy } from '../p2p/upload-policy.js';
import { BUFFER_STALLED_ERROR, HLS_EVENTS } from './hls-events.js';
import { createFragmentLoader, renditionsNear } from './hls-loader.js';

/** What the integration uses of an hls.js instance (any `Hls`, or a subclass of it). */
export type P2PHlsInstance = Pick<
  Hls,
  | 'config'
  | 'on'
  | 'once'
  | 'off'
  | 'media'
  | 'levels'
  | 'firstLevel'
  | 'bandwidthEstimate'
  | 'ttfbEstimate'
>;

/**
 * Options of {@link addP2P}: the engine's (see `EngineConfig`). `deferConnections` defaults to
 * true here: peers, tracker and coordinator session wait until the first frame plays, so they do
 * not compete with the manifest, the first segment and the first frame (decisions 47, 50, 54).
 */
export type HlsP2POptions = EngineOptions;

/** Whether the media element really plays: not paused, ended or waiting for data. */
function isPlaying(media: HTMLMediaElement | null): boolean {
  return media !== null && !media.paused && !media.ended && media.readyState >= 3;
}

/**
 * StreamrP2P attached to one hls.js instance (made by {@link addP2P}): its fragment loader
 * fetches main-rendition segments from peers, then HTTP; the engine lives and dies with the
 * instance (`hls.destroy()` destroys it).
 */
export class HlsP2P {
  /** The P2P engine behind the fragment loader. */
  readonly engine: P2PEngine;
  private readonly hls: P2PHlsInstance;
  /** The fragment loader the instance had before, restored by {@link destroy}. */
  private readonly previousLoader: FragmentLoaderConstructor | undefined;
  private attached = true;
  /** Cancels the wait for the first frame (see {@link onFirstFragment}). */
  private cancelFirstFrame: (() => void) | undefined;
  private destroyed: Promise<void> | undefined;

  constructor(hls: P2PHlsInstance, options: HlsP2POptions) {
    this.engine = new P2PEngine({
      ...options,
      deferConnections: options.deferConnections ?? true,
    });
    this.hls = hls;
    this.previousLoader = hls.config.fLoader;
    // hls.js reads `config.fLoader` for every fragment, so the instance needs no rebuilding;
    // what P2P does not serve goes to the loader the developer configured, else hls.js' own.
    hls.config.fLoader = createFragmentLoader(
      this.engine,
      () => (this.attached ? hls : undefined),
      this.previousLoader ?? hls.config.loader,
    );
    hls.on(HLS_EVENTS.MANIFEST_PARSED, this.onManifestParsed);
    // Added to a player that plays already (the player attaches P2P after its first frame,
    // decision 60): no first fragment to wait for.
    if ((hls.media?.readyState ?? 0) >= HAVE_CURRENT_DATA) this.onFirstFragment();
    else hls.once(HLS_EVENTS.FRAG_LOADED, this.onFirstFragment);
    hls.on(HLS_EVENTS.ERROR, this.onError);
    hls.on(HLS_EVENTS.DESTROYING, this.onDestroying);
    // Added after loadSource: the ladder is known already.
    if (hls.levels.length > 0) this.engine.prepare(renditionsNear(hls.levels, hls.firstLevel));
    this.engine.startWatchHeartbeats(() => isPlaying(this.hls.media));
  }

  /** Listens to an engine event (`segment-loaded`, `peer-connect`, `error`...); returns `off`. */
  on<E extends keyof EngineEvents & string>(
    event: E,
    listener: (payload: EngineEvents[E]) => void,
  ): () => void {
    return this.engine.on(event, listener);
  }

  once<E extends keyof EngineEvents & string>(
    event: E,
    listener: (payload: EngineEvents[E]) => void,
  ): () => void {
    return this.engine.once(event, listener);
  }

  off<E extends keyof EngineEvents & string>(
    event: E,
    listener: (payload: EngineEvents[E]) => void,
  ): void {
    this.engine.off(event, listener);
  }

  /** Bytes from peers and HTTP, P2P share, peers, uploads, the session. */
  getStats(): EngineStats {
    return this.engine.getStats();
  }

  /**
   * Changes uploading while playing, without reload: `consumeOnly` and `maxUploadKbps` (see
   * `P2PEngine.setUploadPolicy`). Returns what is in force; throws `INVALID_CONFIG` for a bad
   * value.
   *
   * @example
   * p2p.setOptions({ consumeOnly: false, maxUploadKbps: 1500 });
   */
  setOptions(change: Partial<UploadPolicy>): UploadPolicyState {
    return this.engine.setUploadPolicy(change);
  }

  /**
   * Detaches from the hls.js instance (its listeners off, its fragment loader as before, so it
   * plays on over HTTP) and destroys the engine. `hls.destroy()` calls it; idempotent, every
   * call resolves once the engine closed its peers and session.
   */
  destroy(): Promise<void> {
    if (this.destroyed) return this.destroyed;
    this.attached = false;
    const hls = this.hls;
    hls.off(HLS_EVENTS.MANIFEST_PARSED, this.onManifestParsed);
    hls.off(HLS_EVENTS.FRAG_LOADED, this.onFirstFragment);
    this.cancelFirstFrame?.();
    hls.off(HLS_EVENTS.ERROR, this.onError);
    hls.off(HLS_EVENTS.DESTROYING, this.onDestroying);
    hls.config.fLoader = this.previousLoader;
    this.destroyed = this.engine.destroy();
    return this.destroyed;
  }

  /** Joins the swarms of the ladder's renditions nearest the start level. */
  private readonly onManifestParsed = (_event: string, data: ManifestParsedData): void =>
    this.engine.prepare(renditionsNear(data.levels, data.firstLevel));

  /**
   * Nothing of P2P starts before the first frame plays (decision 54): segments asked for before
   * it go over HTTP anyway (nothing is buffered), and the session, the tracker handshake and
   * WebRTC set-up on the main thread while the first segment was transmuxed and appended
   * delayed it. They start a task after `playing` ({@link afterFirstFrame}), so the frame's own
   * event goes first; with no media element attached there is no frame to wait for: at once.
   */
  private readonly onFirstFragment = (): void => {
    const media = this.hls.media;
    if (!media) return this.startNetwork();
    this.cancelFirstFrame = afterFirstFrame(media, this.startNetwork);
  };

  private readonly startNetwork = (): void => {
    if (this.attached) this.engine.openConnections();
  };

  private readonly onError = (_event: string, data: ErrorData): void => {
    if (data.details === BUFFER_STALLED_ERROR) this.engine.reportStall();
  };

  private readonly onDestroying = (): void => void this.destroy();
}

/**
 * Adds StreamrP2P to your own hls.js instance: segments come from peers watching the same
 * stream when they can in time, from your origin otherwise. Your hls.js config stays yours (a
 * fragment loader you set serves what P2P does not). Call it before `loadSource`; the engine
 * is destroyed with the instance (`hls.destroy()`).
 *
 * @example
 * import Hls from 'hls.js';
 * import { addP2P } from '@streamrp2p/player-sdk';
 *
 * const hls = new Hls({ maxBufferLength: 20 });
 * const p2p = addP2P(hls, { streamId: 'my-stream', trackerUrl: 'https://tracker.example.com' });
 * hls.loadSource('https://cdn.example.com/live/master.m3u8');
 * hls.attachMedia(document.querySelector('video')!);
 * p2p.on('segment-loaded', (e) => console.log(e.source, e.bytes));
 */
export function addP2P(hls: P2PHlsInstance, options: HlsP2POptions): HlsP2P {
  return new HlsP2P(hls, options);
}
