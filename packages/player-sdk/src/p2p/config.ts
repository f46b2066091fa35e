import { isValidId } from '@streamrp2p/protocol';
import { SdkError, SdkErrorCode } from '../errors.js';

/** Configuration of the P2P engine. Every field but `streamId` and `trackerUrl` has a default. */
export interface EngineConfig {
  /** Identifies the stream; viewers with the same id share segments. Letters, digits, `.`, `_`, `-`. */
  streamId: string;
  /** socket.io URL of the tracker, e.g. `http://127.0.0.1:8090`. */
  trackerUrl: string;
  /**
   * Peer id to ask the tracker for (open mode); the tracker may assign another.
   * @default undefined (the tracker assigns one)
   */
  peerId: string | undefined;
  /**
   * Token from the coordinator, when the tracker requires one.
   * @default undefined
   */
  trackerToken: string | undefined;
  /**
   * URL of the coordinator. With it the engine opens a session (peer id and tracker token),
   * checks segments from peers against indexed Merkle roots, signs receipts for them, answers
   * challenges and sends watch-time heartbeats. Without it: open mode, no integrity check.
   * @default undefined
   */
  coordinatorUrl: string | undefined;
  /**
   * Viewer id for points (an account, or a stored anonymous id); the coordinator assigns one.
   * @default undefined (remembered in localStorage when there is one)
   */
  viewerId: string | undefined;
  /**
   * Referral code sent when a new viewer's session is created (decision 43): a share link's.
   * @default undefined (the page URL's `?ref=` parameter, when it holds a code)
   */
  referralCode: string | undefined;
  /**
   * Longest wait for a segment's root to be indexed before bytes from peers are refetched over
   * HTTP (or accepted unverified, see `acceptUnverified`).
   * @default 2000
   */
  rootWaitMs: number;
  /**
   * Interval of watch-time heartbeats to the coordinator (points: 1 a minute of playing).
   * @default 60000
   */
  heartbeatMs: number;
  /**
   * Accept bytes from peers whose root is not known in time (no receipt is signed for them).
   * @default false
   */
  acceptUnverified: boolean;
  /**
   * Startup first: the tracker connection and the coordinator session wait for `connect()` or
   * `openConnections()`, every swarm join (and so every WebRTC connection) for
   * `openConnections()`; segments load over HTTP meanwhile. `addP2P` and the player set it and
   * open connections a task after the first frame plays (decisions 50 and 54), so none of it
   * competes with the first segment for the network, the main thread or the CPU.
   * @default false
   */
  deferConnections: boolean;
  /**
   * Fault injection for integrity tests: serve peers altered bytes. Never set it in production.
   * Not public API: left out of the published types (`stripInternal`).
   * @default false
   * @internal
   */
  debugCorruptUploads: boolean;
  /**
   * A WebRTC implementation for Node (`@roamhq/wrtc`); browsers use their own.
   * @default undefined
   */
  wrtc: unknown;
  /**
   * ICE servers for WebRTC.
   * @default [{ urls: 'stun:stun.l.google.com:19302' }]
   */
  iceServers: RTCIceServer[];
  /**
   * Most peers connected per swarm.
   * @default 10
   */
  maxPeers: number;
  /**
   * Upload cap in kilobits per second (1 kbit = 1000 bits).
   * @default Infinity (no cap)
   */
  maxUploadKbps: number;
  /**
   * Never upload. `'auto'` turns it on when the connection is metered
   * (`navigator.connection.saveData` or a cellular connection).
   * @default 'auto'
   */
  consumeOnly: boolean | 'auto';
  /**
   * Memory the segment store may use, in bytes.
   * @default 96 MiB
   */
  storeMaxBytes: number;
  /**
   * Live: how many segments behind the playhead stay in the store to serve slower peers.
   * @default 6
   */
  keepBehindSegments: number;
  /**
   * Live: how long a segment this viewer served to a peer stays in the store after it falls
   * behind, so the viewer can answer the coordinator's challenges for it (the coordinator draws
   * them from receipts credited in the last 60 s; the SDK polls every 15 s).
   * @default 120000
   */
  servedKeepMs: number;
  /**
   * Time a peer has to start answering a request before it counts as failed.
   * @default 3000
   */
  peerResponseTimeoutMs: number;
  /**
   * Time without data from a peer mid-download before the download is abandoned.
   * @default 2000
   */
  peerStallTimeoutMs: number;
  /**
   * Live: when nobody holds a segment, each peer waits `rank x httpStaggerMs` before fetching it
   * over HTTP, where rank is its position among its neighbours for that segment. The first to
   * start announces it, and the others download it from that peer instead. Viewers see a new
   * live segment up to a playlist refresh apart; a stagger near half the segment duration lets
   * the one ranked first have its turn, which spreads uploads across viewers.
   * @default 800
   */
  httpStaggerMs: number;
  /**
   * Wait for a peer that is still downloading a segment: at least this long, longer when its
   * HTTP download and its transfer to us are expected to take longer (a large segment, a slow
   * origin), never past the point where HTTP could no longer make the deadline.
   * @default 4000
   */
  maxPeerWaitMs: number;
  /**
   * After a swarm is joined (or P2P starts, whichever is later), how long a segment nobody is
   * known to hold may wait for the neighbours still connecting: the tracker's answer, a WebRTC
   * connection, a peer's first `have`. A viewer that just added P2P would otherwise fetch over
   * HTTP what those neighbours hold. Within the deadline's slack, like every wait; 0 turns it off.
   * @default 3000
   */
  neighbourSettleMs: number;
  /**
   * Margin kept before the playback deadline: P2P that would finish later falls back to HTTP.
   * @default 1500
   */
  deadlineMarginMs: number;
}

/** Config fields a caller may set; `undefined` values are ignored. */
export type EngineOptions = Pick<EngineConfig, 'streamId' | 'trackerUrl'> &
  Partial<Omit<EngineConfig, 'streamId' | 'trackerUrl'>>;

/** Defaults of every optional engine field. */
export const DEFAULT_ENGINE_CONFIG: Readonly<Omit<EngineConfig, 'streamId' | 'trackerUrl'>> =
  Object.freeze({
    peerId: undefined,
    trackerToken: undefined,
    coordinatorUrl: undefined,
    viewerId: undefined,
    referralCode: undefined,
    rootWaitMs: 2000,
    heartbeatMs: 60_000,
    acceptUnverified: false,
    deferConnections: false,
    debugCorruptUploads: false,
    wrtc: undefined,
    iceServers: [{ urls: 'stun:stun.l.google.com:19302' }],
    maxPeers: 10,
    maxUploadKbps: Infinity,
    consumeOnly: 'auto',
    storeMaxBytes: 96 * 1024 * 1024,
    keepBehindSegments: 6,
    servedKeepMs: 120_000,
    peerResponseTimeoutMs: 3000,
    peerStallTimeoutMs: 2000,
    httpStaggerMs: 800,
    maxPeerWaitMs: 4000,
    neighbourSettleMs: 3000,
    deadlineMarginMs: 1500,
  });

function invalid(message: string): SdkError {
  return new SdkError(SdkErrorCode.InvalidConfig, message);
}

function requirePositive(config: EngineConfig, key: keyof EngineConfig, allowZero = false): void {
  const value = config[key];
  if (
    typeof value !== 'number' ||
    Number.isNaN(value) ||
    value < 0 ||
    (!allowZero && value === 0)
  ) {
    throw invalid(
      `${key} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${String(value)}`,
    );
  }
}

/**
 * Merges caller options over the defaults: drops `undefined`, validates every field, and
 * rejects contradictions with a clear message.
 */
export function mergeEngineConfig(options: EngineOptions): EngineConfig {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const config = { ...DEFAULT_ENGINE_CONFIG, ...defined } as EngineConfig;
  if (!isValidId(config.streamId)) {
    throw invalid(
      `streamId must be 1-128 letters, digits, ".", "_" or "-", got ${JSON.stringify(config.streamId)}`,
    );
  }
  if (typeof config.trackerUrl !== 'string' || !/^(https?|wss?):\/\//.test(config.trackerUrl)) {
    throw invalid(
      `trackerUrl must be an http(s) or ws(s) URL, got ${JSON.stringify(config.trackerUrl)}`,
    );
  }
  if (config.peerId !== undefined && !isValidId(config.peerId)) {
    throw invalid(`peerId must be a valid id, got ${JSON.stringify(config.peerId)}`);
  }
  if (!Number.isInteger(config.maxPeers) || config.maxPeers < 1) {
    throw invalid(`maxPeers must be a positive integer, got ${String(config.maxPeers)}`);
  }
  for (const key of [
    'maxUploadKbps',
    'storeMaxBytes',
    'peerResponseTimeoutMs',
    'peerStallTimeoutMs',
  ] as const) {
    requirePositive(config, key);
  }
  for (const key of [
    'keepBehindSegments',
    'servedKeepMs',
    'httpStaggerMs',
    'maxPeerWaitMs',
    'neighbourSettleMs',
    'deadlineMarginMs',
  ] as const) {
    requirePositive(config, key, true);
  }
  if (
    config.consumeOnly !== true &&
    config.consumeOnly !== false &&
    config.consumeOnly !== 'auto'
  ) {
    throw invalid(`consumeOnly must be true, false or "auto", got ${String(config.consumeOnly)}`);
  }
  if (config.consumeOnly === true && options.maxUploadKbps !== undefined) {
    throw invalid('consumeOnly uploads nothing, so maxUploadKbps contradicts it: set one of them');
  }
  if (typeof config.deferConnections !== 'boolean') {
    throw invalid(`deferConnections must be true or false, got ${String(config.deferConnections)}`);
  }
  if (!Array.isArray(config.iceServers)) throw invalid('iceServers must be an array');
  if (config.coordinatorUrl !== undefined && !/^https?:\/\//.test(config.coordinatorUrl)) {
    throw invalid(
      `coordinatorUrl must be an http(s) URL, got ${JSON.stringify(config.coordinatorUrl)}`,
    );
  }
  if (config.coordinatorUrl !== undefined && config.trackerToken !== undefined) {
    throw invalid(
      'trackerToken comes from the coordinator session when coordinatorUrl is set: set one of them',
    );
  }
  requirePositive(config, 'rootWaitMs', true);
  requirePositive(config, 'heartbeatMs');
  return config;
}
