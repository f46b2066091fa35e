import Hls, { type HlsConfig } from 'hls.js';
import { mergeEngineConfig, type EngineOptions } from '../p2p/config.js';
import { EventBus } from '../emitter.js';
import { afterFirstFrame } from '../first-frame.js';
import type { P2PEngine } from '../p2p/engine.js';
import type {
  EarlierHttpLoad,
  EngineEvents,
  EngineStats,
  UploadPolicyState,
} from '../p2p/engine-types.js';
import { SdkError, SdkErrorCode } from '../errors.js';
import type { HlsP2P } from '../hlsjs/hls-p2p.js';
import { captureEarlyLoads } from './early-loads.js';
import { nativeStats, playNatively, type PlaybackMode } from './native-playback.js';
import { StatsOverlay } from './overlay.js';
import type * as PlayerPartsModule from './parts.js';
import type { ChatErrorBody, ChatMessage } from '@streamrp2p/protocol';
import type { UploadPolicy } from '../p2p/upload-policy.js';

/**
 * Loads what a player adds after its first frame: P2P and its panels (`parts.ts`, decision 60).
 * The npm player imports it as a chunk; the embed loads it as a script beside itself.
 */
export type LoadPlayerParts = () => Promise<PlayerParts>;

/** What `parts.ts` exports. */
export type PlayerParts = typeof PlayerPartsModule;

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
  /**
   * Show the viewer its points ("+10" when awarded), a supporter its bytes served, credit and
   * estimated earnings, and the soft account prompt at 100 points. Needs a coordinator; loaded
   * and shown only once playback started, never in the way of it.
   * @default true
   */
  rewards?: boolean;
  /**
   * Offer "become a supporter" (uploading on, with a cap the viewer sets) when the viewer opens
   * its balance and at VIP (1000 points), with the stream's real supporter count. Only with
   * `rewards`, and never while the engine uploads already.
   * @default true
   */
  supporterPrompt?: boolean;
  /**
   * The rewards' own account form: at 100 points "Create account" opens it to claim an account
   * for this viewer (email, password, display name), and "Sign in" brings an account's points to
   * this device. Set false where the site runs its own account UI: "Create account" then only
   * emits `rewards-action`. Only with `rewards`.
   * @default true
   */
  accountForm?: boolean;
  /**
   * The stream's chat panel (a "Chat" button on the player): messages with names and supporter
   * badges, the streamer's slow mode and mutes, social proof. Needs a coordinator; loaded once
   * playback started, never in the way of it.
   * @default false
   */
  chat?: boolean;
  /**
   * The community feed: the streamer's savings goals as progress bars, social-proof toasts from
   * real events ("X is now helping power this stream", each GB shared, goals reached) and a
   * "Join squad" button. Needs a coordinator; loaded once playback started, polled while the tab
   * is visible. On by default: it shows only what really happened and costs one cacheable read
   * every 20 s.
   * @default true
   */
  community?: boolean;
  /**
   * Engine options (upload cap, consume-only, peers...); see `EngineConfig`. `deferConnections`
   * defaults to true, as with `addP2P`.
   */
  p2p?: Omit<Partial<EngineOptions>, 'streamId' | 'trackerUrl'>;
  /**
   * Extra hls.js settings; an `fLoader` of yours serves what P2P does not (init segments...).
   * Unless you set `enableWorker`, the player turns hls.js' worker off on fMP4 streams (there
   * it only passes the bytes through, and starting it delays the first frame; decision 57).
   */
  hlsConfig?: Partial<HlsConfig>;
}

/** The options a player changes while playing (`PlayerHandle.setOptions`). */
export interface PlayerRuntimeOptions extends Partial<UploadPolicy> {
  /** Show (true) or hide (false) the stats overlay. */
  overlay?: boolean;
}

/** A player's stats: the engine's, and how it plays. */
export interface PlayerStats extends EngineStats {
  /** `mse`: hls.js with P2P; `native`: the browser's own HLS playback, without P2P. */
  playback: PlaybackMode;
}

/** Events of a player: the engine's, plus how it plays and fatal playback errors. */
export interface PlayerEvents extends EngineEvents {
  'playback-error': { type: string; details: string; fatal: true };
  /**
   * How the player plays, once, right after `createPlayer` returns: with hls.js and P2P, or
   * natively without P2P (no Media Source Extensions), with the reason.
   */
  'playback-mode': { mode: PlaybackMode; p2p: boolean; reason: string };
  /** The viewer pressed "Create account" in the rewards: the site opens its sign-up. */
  'rewards-action': { action: 'create-account' };
  /** A chat message shown in the panel (a viewer's, or a system message). Only with `chat`. */
  'chat-message': ChatMessage;
  /** The chat refused a message (muted, slow mode, too long, too many) or the connection. */
  'chat-error': ChatErrorBody;
}

/** What {@link createPlayer} returns. */
export interface PlayerHandle {
  readonly video: HTMLVideoElement;
  /** The hls.js instance; undefined in native playback. */
  readonly hls: Hls | undefined;
  /**
   * The P2P engine: undefined until P2P starts, a moment after the first frame (decision 60),
   * and in native playback. Its events reach `on()` from the start.
   */
  readonly engine: P2PEngine | undefined;
  readonly playback: PlaybackMode;
  on<E extends keyof PlayerEvents>(
    event: E,
    listener: (payload: PlayerEvents[E]) => void,
  ): () => void;
  off<E extends keyof PlayerEvents>(event: E, listener: (payload: PlayerEvents[E]) => void): void;
  getStats(): PlayerStats;
  /**
   * Changes what may change while playing, without reload: uploading (see
   * `P2PEngine.setUploadPolicy`) and the stats overlay. Returns the upload policy in force, or
   * undefined in native playback (no P2P) and before P2P starts (the change is then kept for it).
   *
   * @example
   * player.setOptions({ consumeOnly: 'auto', maxUploadKbps: 1500, overlay: false });
   */
  setOptions(options: PlayerRuntimeOptions): UploadPolicyState | undefined;
  /** Stops playback and releases the engine, hls.js, the overlay and every listener. */
  destroy(): Promise<void>;
}

/** One way of playing: hls.js with the engine, or the browser's own HLS. */
interface Playback {
  mode: PlaybackMode;
  hls: Hls | undefined;
  /** Whether P2P is (or will be) added. */
  p2p: boolean;
  reason: string;
  engine(): P2PEngine | undefined;
  stats(): EngineStats;
  setUploadPolicy(change: Partial<UploadPolicy>): UploadPolicyState | undefined;
  destroy(): Promise<void>;
}

/** The `<video>` to play in: the element itself, or a new one in the container. */
function mountVideo(options: PlayerOptions): { video: HTMLVideoElement; owned: boolean } {
  if (options.el instanceof HTMLVideoElement) return { video: options.el, owned: false };
  const video = document.createElement('video');
  video.controls = true;
  video.playsInline = true;
  video.style.width = '100%';
  video.style.height = '100%';
  options.el.appendChild(video);
  return { video, owned: true };
}

/**
 * hls.js at once, as plain hls.js plays, and P2P added a moment after the first frame: its
 * code, its engine and its connections cost the page CPU that the first frame would otherwise
 * wait for (decision 60). What hls.js loads before over HTTP is counted in the engine's stats
 * and usage reports once it is there.
 */
function playWithHls(
  options: PlayerOptions,
  video: HTMLVideoElement,
  emitter: EventBus<PlayerEvents>,
  loadParts: LoadPlayerParts,
  onP2P: (parts: PlayerParts, engine: P2PEngine) => void,
): Playback {
  let p2pOptions: EngineOptions = {
    ...options.p2p,
    streamId: options.streamId,
    trackerUrl: options.tracker,
    coordinatorUrl: options.coordinator ?? options.p2p?.coordinatorUrl,
  };
  // A wrong option fails here, as it would if the engine were made now.
  mergeEngineConfig(p2pOptions);
  const hls = new Hls(options.hlsConfig);
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (data.fatal)
      emitter.emit('playback-error', { type: data.type, details: data.details, fatal: true });
  });
  if (options.hlsConfig?.enableWorker === undefined) skipWorkerOnFmp4(hls);
  // Media segments loaded before P2P is added, handed to the engine (decision 60); counted
  // here while there is none.
  const early = { bytes: 0, segments: 0, loads: [] as EarlierHttpLoad[] };
  let p2p: HlsP2P | undefined;
  let p2pFailed = false;
  const onEarlyLoad = (load: EarlierHttpLoad) => {
    if (p2p) return p2p.engine.adoptEarlierHttpLoads([load]);
    early.bytes += load.bytes;
    early.segments += 1;
    if (!p2pFailed) early.loads.push(load);
  };
  let stopCapture = captureEarlyLoads(hls, onEarlyLoad);
  hls.loadSource(options.src);
  hls.attachMedia(video);

  let unsubscribe: (() => void) | undefined;
  let destroyed = false;
  const addP2PNow = (parts: PlayerParts) => {
    if (destroyed) return;
    // P2P's fragment loader falls back on the loader the developer configured, not on ours; a
    // load still on its way through ours goes to the engine when it arrives.
    stopCapture();
    const added = (p2p = parts.addP2P(hls, p2pOptions));
    added.engine.adoptEarlierHttpLoads(early.loads.splice(0));
    // Every engine event is a player event: forwarded as they come, no list to keep.
    unsubscribe = added.engine.onAny((tagged) => emitter.emit(tagged.event, tagged.payload));
    onP2P(parts, added.engine);
  };
  const cancelFirstFrame = afterFirstFrame(video, () => {
    // Its file missing or P2P unable to start here (no WebRTC, say): hls.js plays on alone.
    loadParts()
      .then(addP2PNow)
      .catch((error: unknown) => {
        if (destroyed) return;
        // Still counted in the stats, no longer kept for an engine.
        p2pFailed = true;
        early.loads = [];
        stopCapture();
        stopCapture = captureEarlyLoads(hls, onEarlyLoad, { keepBytes: false });
        const message = error instanceof Error ? error.message : String(error);
        emitter.emit('error', {
          code: SdkErrorCode.P2PUnavailable,
          message: `P2P could not start, playing over HTTP alone: ${message}`,
          fatal: false,
        });
      });
  });
  return {
    mode: 'mse',
    hls,
    p2p: true,
    reason: 'hls.js on Media Source Extensions, segments shared with peers',
    engine: () => p2p?.engine,
    stats: () =>
      p2p?.getStats() ?? {
        ...nativeStats(),
        httpBytes: early.bytes,
        httpSegments: early.segments,
      },
    setUploadPolicy(change) {
      if (p2p) return p2p.setOptions(change);
      const next = { ...p2pOptions, ...change };
      mergeEngineConfig(next);
      p2pOptions = next;
      return undefined;
    },
    async destroy() {
      destroyed = true;
      cancelFirstFrame();
      unsubscribe?.();
      hls.destroy();
      await p2p?.destroy();
    },
  };
}

/**
 * Turns hls.js' transmuxing worker off when the first media playlist is fMP4 (`#EXT-X-MAP`),
 * before the first fragment creates the transmuxer (hls.js reads `enableWorker` then): fMP4
 * needs no transmuxing, only a pass through, and building the worker from its Blob and
 * compiling it there cost a fifth of plain hls.js' startup with five pages on two cores
 * (decision 57). MPEG-TS keeps the worker, which takes its transmuxing off the main thread.
 */
function skipWorkerOnFmp4(hls: Hls): void {
  hls.once(Hls.Events.LEVEL_LOADED, (_event, data) => {
    if (data.details.fragments[0]?.initSegment) hls.config.enableWorker = false;
  });
}

function playNativeHls(options: PlayerOptions, video: HTMLVideoElement): Playback {
  const native = playNatively(video, options.src);
  return {
    mode: 'native',
    hls: undefined,
    p2p: false,
    reason: 'no Media Source Extensions: the browser plays HLS itself, without P2P',
    engine: () => undefined,
    stats: nativeStats,
    setUploadPolicy: () => undefined,
    destroy: async () => native.stop(),
  };
}

/**
 * Creates an hls.js player whose viewers share segments over WebRTC. Where hls.js cannot run
 * (no Media Source Extensions), the browser plays the stream itself, without P2P, and the
 * player says so (`playback-mode` event, `getStats().playback`).
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
  return createPlayerWith(options, () => import('./parts.js'));
}

/** {@link createPlayer}, with what loads its P2P part (the embed loads a script instead). */
export function createPlayerWith(options: PlayerOptions, loadParts: LoadPlayerParts): PlayerHandle {
  if (!options.el)
    throw new SdkError(SdkErrorCode.InvalidConfig, 'createPlayer needs an element (el)');
  if (typeof options.src !== 'string' || options.src === '') {
    throw new SdkError(SdkErrorCode.InvalidConfig, 'createPlayer needs a playlist URL (src)');
  }
  const emitter = new EventBus<PlayerEvents>((error) =>
    console.error('streamrp2p: a player listener threw', error),
  );
  const { video, owned } = mountVideo(options);
  if (options.autoplay ?? true) {
    video.muted = true;
    video.autoplay = true;
  }
  const overlayHost = owned ? options.el : video.parentElement;
  const panels: { destroy(): void }[] = [];
  let playback: Playback;
  try {
    playback = Hls.isSupported()
      ? playWithHls(options, video, emitter, loadParts, (parts, engine) =>
          panels.push(...startPanels(options, parts, engine, video, overlayHost, emitter)),
        )
      : playNativeHls(options, video);
  } catch (error) {
    if (owned) video.remove();
    throw error;
  }
  const stats = (): PlayerStats => ({ ...playback.stats(), playback: playback.mode });
  let overlay: StatsOverlay | undefined;
  const showOverlay = (show: boolean) => {
    if (show && !overlay && overlayHost) overlay = new StatsOverlay(overlayHost, stats);
    if (show) return;
    overlay?.destroy();
    overlay = undefined;
  };
  showOverlay(options.overlay ?? true);
  // After the caller had the chance to subscribe.
  queueMicrotask(() =>
    emitter.emit('playback-mode', {
      mode: playback.mode,
      p2p: playback.p2p,
      reason: playback.reason,
    }),
  );

  let destroyed = false;
  return {
    video,
    hls: playback.hls,
    get engine() {
      return playback.engine();
    },
    playback: playback.mode,
    on: (event, listener) => emitter.on(event, listener),
    off: (event, listener) => emitter.off(event, listener),
    getStats: stats,
    setOptions: ({ overlay: show, ...upload }) => {
      if (show !== undefined && !destroyed) showOverlay(show);
      return playback.setUploadPolicy(upload);
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      overlay?.destroy();
      panels.forEach((panel) => panel.destroy());
      emitter.removeAllListeners();
      if (owned) video.remove();
      await playback.destroy();
    },
  };
}

/** The player's own panels, once P2P is there: each needs a coordinator and a container. */
function startPanels(
  options: PlayerOptions,
  parts: PlayerParts,
  engine: P2PEngine,
  video: HTMLVideoElement,
  container: HTMLElement | null,
  emitter: EventBus<PlayerEvents>,
): { destroy(): void }[] {
  const coordinator = engine.coordinator;
  if (coordinator === undefined || !container) return [];
  const panels: { destroy(): void }[] = [];
  if (options.rewards ?? true) {
    panels.push(
      parts.startRewards({
        video,
        container,
        engine,
        coordinator,
        supporterPrompt: options.supporterPrompt ?? true,
        streamId: options.streamId,
        accountForm: options.accountForm ?? true,
        requestAccount: () => emitter.emit('rewards-action', { action: 'create-account' }),
      }),
    );
  }
  if (options.community ?? true) {
    panels.push(
      parts.startCommunity({ video, container, coordinator, streamId: options.streamId }),
    );
  }
  const chatUrl = options.coordinator ?? options.p2p?.coordinatorUrl;
  if (options.chat === true && chatUrl !== undefined) {
    panels.push(
      parts.startChat({
        video,
        container,
        url: chatUrl,
        auth: () => coordinator.chatAuth(),
        onMessage: (message) => emitter.emit('chat-message', message),
        onError: (error) => emitter.emit('chat-error', error),
      }),
    );
  }
  return panels;
}
