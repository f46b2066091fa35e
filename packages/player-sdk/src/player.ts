import Hls, { type HlsConfig } from 'hls.js';
import type { EngineOptions } from './config.js';
import { Emitter } from './emitter.js';
import { P2PEngine } from './engine.js';
import type { EngineEvents, EngineStats } from './engine-types.js';
import { SdkError, SdkErrorCode } from './errors.js';
import { createFragmentLoader } from './hls-loader.js';
import { StatsOverlay } from './overlay.js';

/** Options of {@link createPlayer}. */
export interface PlayerOptions {
  /** A `<video>` element, or a container the player creates one in. */
  el: HTMLElement;
  /** URL of the HLS master (or media) playlist. */
  src: string;
  /** Viewers with the same stream id share segments. */
  streamId: string;
  /** socket.io URL of the tracker. */
  tracker: string;
  /**
   * URL of the coordinator: integrity checks, receipts, challenges and points (watch-time
   * heartbeats every 60 s while playing).
   * @default undefined (open mode)
   */
  coordinator?: string;
  /**
   * Show the stats overlay.
   * @default true
   */
  overlay?: boolean;
  /**
   * Start playing (muted) as soon as possible.
   * @default true
   */
  autoplay?: boolean;
  /** Engine options (upload cap, consume-only, peers...); see `EngineConfig`. */
  p2p?: Omit<Partial<EngineOptions>, 'streamId' | 'trackerUrl'>;
  /** Extra hls.js settings; the fragment loader is ours. */
  hlsConfig?: Partial<HlsConfig>;
}

/** Events of a player: the engine's, plus fatal playback errors from hls.js. */
export interface PlayerEvents extends EngineEvents {
  'playback-error': { type: string; details: string; fatal: true };
}

/** What {@link createPlayer} returns. */
export interface PlayerHandle {
  readonly video: HTMLVideoElement;
  readonly hls: Hls;
  readonly engine: P2PEngine;
  on<E extends keyof PlayerEvents>(
    event: E,
    listener: (payload: PlayerEvents[E]) => void,
  ): () => void;
  off<E extends keyof PlayerEvents>(event: E, listener: (payload: PlayerEvents[E]) => void): void;
  getStats(): EngineStats;
  /** Stops playback and releases the engine, hls.js, the overlay and every listener. */
  destroy(): Promise<void>;
}

const FORWARDED: (keyof EngineEvents)[] = [
  'ready',
  'integrity-failure',
  'points',
  'account-prompt',
  'vip',
  'receipts',
  'receipt-rejected',
  'challenge',
  'segment-loaded',
  'peer-connect',
  'peer-close',
  'peer-banned',
  'uploaded',
  'error',
];

/**
 * Creates an hls.js player whose viewers share segments over WebRTC.
 *
 * @example
 * const player = createPlayer({
 *   el: document.querySelector('#player'),
 *   src: 'https://cdn.example.com/live/master.m3u8',
 *   streamId: 'my-stream',
 *   tracker: 'https://tracker.example.com',
 * });
 * player.on('segment-loaded', (e) => console.log(e.source, e.bytes));
 */
export function createPlayer(options: PlayerOptions): PlayerHandle {
  if (!options.el)
    throw new SdkError(SdkErrorCode.InvalidConfig, 'createPlayer needs an element (el)');
  if (typeof options.src !== 'string' || options.src === '') {
    throw new SdkError(SdkErrorCode.InvalidConfig, 'createPlayer needs a playlist URL (src)');
  }
  if (!Hls.isSupported()) {
    throw new SdkError(
      SdkErrorCode.InvalidConfig,
      'this browser has no Media Source Extensions for hls.js',
    );
  }
  const engine = new P2PEngine({
    ...options.p2p,
    streamId: options.streamId,
    trackerUrl: options.tracker,
    coordinatorUrl: options.coordinator ?? options.p2p?.coordinatorUrl,
  });
  const emitter = new Emitter<PlayerEvents>((error) =>
    console.error('streamrp2p: a player listener threw', error),
  );
  const unsubscribe = FORWARDED.map((event) =>
    engine.on(event, (payload) => emitter.emit(event, payload as never)),
  );

  const ownsVideo = !(options.el instanceof HTMLVideoElement);
  const video = ownsVideo ? document.createElement('video') : (options.el as HTMLVideoElement);
  if (ownsVideo) {
    video.controls = true;
    video.playsInline = true;
    video.style.width = '100%';
    video.style.height = '100%';
    options.el.appendChild(video);
  }
  if (options.autoplay ?? true) {
    video.muted = true;
    video.autoplay = true;
  }

  let hls: Hls | undefined;
  const DefaultLoader = Hls.DefaultConfig.loader;
  hls = new Hls({
    ...options.hlsConfig,
    fLoader: createFragmentLoader(
      engine,
      () => hls,
      DefaultLoader,
    ) as unknown as HlsConfig['fLoader'],
  });
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (data.fatal)
      emitter.emit('playback-error', { type: data.type, details: data.details, fatal: true });
  });
  // Watch time counts only while the video really plays (not paused, ended or buffering).
  engine.startWatchHeartbeats(() => !video.paused && !video.ended && video.readyState >= 3);
  hls.loadSource(options.src);
  hls.attachMedia(video);

  const overlayHost = ownsVideo ? options.el : video.parentElement;
  const overlay =
    (options.overlay ?? true) && overlayHost
      ? new StatsOverlay(overlayHost, () => engine.getStats())
      : undefined;

  let destroyed = false;
  const instance = hls;
  return {
    video,
    hls: instance,
    engine,
    on: (event, listener) => emitter.on(event, listener),
    off: (event, listener) => emitter.off(event, listener),
    getStats: () => engine.getStats(),
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      overlay?.destroy();
      unsubscribe.forEach((off) => off());
      emitter.removeAllListeners();
      instance.destroy();
      hls = undefined;
      if (ownsVideo) video.remove();
      await engine.destroy();
    },
  };
}
