import type { EngineOptions } from '@streamrp2p/player-sdk';
import { isValidId, renditionId } from '@streamrp2p/protocol';
import { SupporterError, SupporterErrorCode } from './errors.js';

/** Configuration of a {@link SupporterNode}. */
export interface SupporterNodeConfig {
  /** HLS master (or media) playlist URL of the live stream. */
  streamUrl: string;
  /**
   * Stream id viewers use (their embed's `data-streamrp2p-stream`): swarms are keyed by it.
   * @default derived from the stream URL's path (`live/master.m3u8` → `live_master`)
   */
  streamId: string;
  /**
   * socket.io URL of the tracker.
   * @default 'http://127.0.0.1:8090' (the tracker command's default port)
   */
  trackerUrl: string;
  /**
   * Coordinator URL: a session, integrity checks, challenges and credit for what we serve.
   * @default undefined (open mode)
   */
  coordinatorUrl: string | undefined;
  /**
   * Upload cap in kbit/s over all peers.
   * @default Infinity
   */
  maxUploadKbps: number;
  /**
   * Renditions to hold: rendition ids (`live_240p_index`) or one of their parts (`240p`).
   * @default undefined (every rendition of the master playlist)
   */
  renditions: string[] | undefined;
  /**
   * Most peers per swarm. A supporter serves many viewers, so more than a browser's 10.
   * @default 30
   */
  maxPeers: number;
  /**
   * How often each media playlist is reloaded, in ms.
   * @default 1000
   */
  playlistRefreshMs: number;
  /**
   * How often a `progress` event is emitted, in ms.
   * @default 1000
   */
  progressIntervalMs: number;
  /**
   * How often the credit the coordinator gave us is read (`GET /api/sessions/:id`), in ms.
   * @default 10000
   */
  creditRefreshMs: number;
  /**
   * WebRTC implementation.
   * @default `@roamhq/wrtc`
   */
  wrtc: unknown;
  /**
   * ICE servers.
   * @default the engine's (one public STUN server)
   */
  iceServers: RTCIceServer[] | undefined;
  /**
   * Extra engine options (`keepBehindSegments`, `storeMaxBytes`...), applied last.
   * @default { keepBehindSegments: 12 } (a whole live window behind the edge)
   */
  engine: Partial<EngineOptions>;
}

/** What callers pass: `streamUrl` and any subset of the rest. */
export type SupporterNodeOptions = Pick<SupporterNodeConfig, 'streamUrl'> &
  Partial<Omit<SupporterNodeConfig, 'streamUrl'>>;

/** Defaults of the optional fields (`streamId` is derived from the URL). */
export const DEFAULT_SUPPORTER_CONFIG: Readonly<
  Omit<SupporterNodeConfig, 'streamUrl' | 'streamId' | 'wrtc'>
> = Object.freeze({
  trackerUrl: 'http://127.0.0.1:8090',
  coordinatorUrl: undefined,
  maxUploadKbps: Infinity,
  renditions: undefined,
  maxPeers: 30,
  playlistRefreshMs: 1000,
  progressIntervalMs: 1000,
  creditRefreshMs: 10_000,
  iceServers: undefined,
  engine: Object.freeze({ keepBehindSegments: 12 }),
});

const invalid = (message: string) => new SupporterError(SupporterErrorCode.InvalidConfig, message);

/** Merges options over the defaults (dropping `undefined`) and validates them. */
export function mergeSupporterConfig(options: SupporterNodeOptions): SupporterNodeConfig {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  if (typeof options.streamUrl !== 'string' || !/^https?:\/\//.test(options.streamUrl)) {
    throw invalid(`stream must be an http(s) URL, got ${JSON.stringify(options.streamUrl)}`);
  }
  const config = {
    ...DEFAULT_SUPPORTER_CONFIG,
    streamId: renditionId(options.streamUrl),
    wrtc: undefined,
    ...defined,
    engine: { ...DEFAULT_SUPPORTER_CONFIG.engine, ...options.engine },
  } as SupporterNodeConfig;
  if (!isValidId(config.streamId)) {
    throw invalid(`stream id must be 1-128 letters, digits, ".", "_" or "-"`);
  }
  if (!(config.maxUploadKbps > 0)) {
    throw invalid(`max upload must be a positive number of kbit/s, got ${config.maxUploadKbps}`);
  }
  if (!Number.isInteger(config.maxPeers) || config.maxPeers < 1) {
    throw invalid(`max peers must be a positive integer, got ${config.maxPeers}`);
  }
  for (const key of ['playlistRefreshMs', 'progressIntervalMs', 'creditRefreshMs'] as const) {
    if (!(config[key] >= 100)) throw invalid(`${key} must be at least 100 ms, got ${config[key]}`);
  }
  if (config.renditions !== undefined && config.renditions.length === 0) {
    throw invalid('renditions must name at least one rendition when given');
  }
  return config;
}

/** Whether a media playlist URL is one of the selected renditions. */
export function isSelected(playlistUrl: string, selected: string[] | undefined): boolean {
  if (selected === undefined) return true;
  const id = renditionId(playlistUrl);
  const parts = id.split('_');
  return selected.some((name) => name === id || parts.includes(name));
}
