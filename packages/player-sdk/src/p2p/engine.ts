import { swarmKey } from '@streamrp2p/protocol';
import { mergeEngineConfig, type EngineConfig, type EngineOptions } from './config.js';
import { CoordinatorLink } from '../coordinator/coordinator-link.js';
import { Emitter } from '../emitter.js';
import type {
  EngineEvents,
  EngineStats,
  UploadPolicyState,
  EarlierHttpLoad,
} from './engine-types.js';
import { SdkError, SdkErrorCode } from '../errors.js';
import type { SegmentRequest, SegmentResult } from './load-segment.js';
import type { LoadReport, LoaderServices } from './loader-services.js';
import { HttpEstimator } from './http-estimator.js';
import { MeetingTickets } from './meeting-tickets.js';
import { isMeteredConnection } from './metered.js';
import { SegmentLoader } from './segment-loader.js';
import { SegmentStore } from './segment-store.js';
import { Swarm } from './swarm.js';
import { TokenBucket } from './token-bucket.js';
import { TrackerClient } from './tracker-client.js';
import { limiterRate, resolveUploadPolicy, type UploadPolicy } from './upload-policy.js';

/**
 * Swarms unused for this long are left (after a quality switch, for example): long enough to
 * come back after a brief switch, short enough not to keep a second set of connections open.
 */
const SWARM_IDLE_MS = 15_000;
/**
 * Swarms `prepare()` joins at most: each costs a tracker join and up to `maxPeers` connections
 * for `SWARM_IDLE_MS`, and ABR rarely moves more than a few levels at startup.
 */
export const PREPARED_SWARMS_MAX = 4;

/**
 * The P2P engine: swarm membership, peers, scheduling and the segment store. It knows nothing
 * of hls.js or the DOM, so it also runs in Node (with `wrtc`) for tests and headless nodes.
 *
 * @example
 * const engine = new P2PEngine({ streamId: 'demo', trackerUrl: 'http://127.0.0.1:8090' });
 * const { bytes, source } = await engine.loadSegment({
 *   rendition: '360p', sequence: 42, url: segmentUrl, deadlineMs: 4000, live: true,
 * });
 */
export class P2PEngine extends Emitter<EngineEvents> {
  readonly config: EngineConfig;
  /** The upload policy in force: the config's, then what `setUploadPolicy` changed. */
  private policy: Pick<EngineConfig, 'consumeOnly' | 'maxUploadKbps'>;
  private uploadOff: boolean;
  private readonly tracker: TrackerClient;
  /** The coordinator session, when `coordinatorUrl` is set. */
  readonly coordinator: CoordinatorLink | undefined;
  private readonly store: SegmentStore;
  private limiter: TokenBucket | undefined;
  private readonly swarms = new Map<string, Swarm>();
  /** Each swarm's segment loader, by swarm key (created and left with the swarm). */
  private readonly loaders = new Map<string, SegmentLoader>();
  /** What every loader asks of the engine: one set, made with the first swarm. */
  private services: LoaderServices | undefined;
  private readonly banned = new Set<string>();
  private readonly idleTimer: ReturnType<typeof setInterval>;
  /** The tracker's meeting tickets, sent with the receipts they cover (decision 22). */
  private readonly tickets = new MeetingTickets();
  private ticketTimer: ReturnType<typeof setInterval> | undefined;
  private verifiedP2PBytes = 0;
  /** Stalls the player reported (`reportStall`), sent in usage reports. */
  private stalls = 0;
  private readonly totals = {
    httpBytes: 0,
    p2pBytes: 0,
    uploadedBytes: 0,
    httpSegments: 0,
    p2pSegments: 0,
  };
  private readonly http = new HttpEstimator();
  private destroyed = false;
  /** Whether swarm joins wait for {@link openConnections} (the `deferConnections` option). */
  private connectionsDeferred: boolean;
  /** When swarm joins were allowed to start (`performance.now()`): now, or at `openConnections`. */
  private connectionsOpenedAt: number | undefined;
  /** Whether the tracker connection and coordinator session were started. */
  private networkStarted = false;
  /** What `startWatchHeartbeats` was given, for a session started later. */
  private isPlaying: (() => boolean) | undefined;

  constructor(options: EngineOptions) {
    super((error) => console.error('streamrp2p: an engine event listener threw', error));
    this.config = mergeEngineConfig(options);
    this.policy = {
      consumeOnly: this.config.consumeOnly,
      maxUploadKbps: this.config.maxUploadKbps,
    };
    this.uploadOff =
      this.config.consumeOnly === 'auto' ? isMeteredConnection() : this.config.consumeOnly;
    this.store = new SegmentStore(this.config.storeMaxBytes, this.config.keepBehindSegments);
    this.store.on('added', ({ swarm, sequence }) => this.announce(swarm, sequence, 'held'));
    this.store.on('removed', ({ swarm, sequence }) => this.announce(swarm, sequence, 'dropped'));
    const rate = limiterRate(this.config.maxUploadKbps);
    this.limiter = rate && new TokenBucket(rate.ratePerSecond, rate.capacity);
    this.connectionsDeferred = this.config.deferConnections;
    this.coordinator = this.config.coordinatorUrl
      ? this.linkCoordinator(this.config.coordinatorUrl)
      : undefined;
    this.tracker = new TrackerClient(
      this.config.trackerUrl,
      async () =>
        this.coordinator
          ? this.coordinator.trackerAuth()
          : { token: this.config.trackerToken, peerId: this.config.peerId },
      false,
    );
    if (!this.connectionsDeferred) {
      this.connectionsOpenedAt = performance.now();
      this.connect();
    }
    this.tracker.on('ready', ({ peerId }) => {
      this.scheduleTicketRenewal();
      this.emit('ready', { peerId });
      for (const swarm of this.swarms.values()) this.joinSwarm(swarm);
    });
    this.tracker.on('signal', (message) => this.swarms.get(message.swarm)?.onSignal(message));
    this.tracker.on('peer-left', ({ swarm, peerId }) => this.swarms.get(swarm)?.onPeerLeft(peerId));
    this.tracker.on('ticket', ({ swarm, peerId, ticket }) =>
      this.tickets.add(swarm, peerId, ticket),
    );
    this.tracker.on('error', (error) => this.reportError(error));
    this.idleTimer = setInterval(() => this.leaveIdleSwarms(), SWARM_IDLE_MS / 3);
  }

  /** Whether the engine uploads nothing now (see `setUploadPolicy`). */
  get consumeOnly(): boolean {
    return this.uploadOff;
  }

  /**
   * Changes uploading while the engine runs, without reconnecting: `consumeOnly` (`'auto'`
   * stays consume-only on a metered connection; `false` uploads even there, the viewer's
   * explicit choice) and `maxUploadKbps` (`Infinity`: no cap). Connected peers learn at once
   * what we now offer. Throws an `INVALID_CONFIG` `SdkError` for a bad value.
   *
   * @example
   * engine.setUploadPolicy({ consumeOnly: 'auto', maxUploadKbps: 2000 });
   */
  setUploadPolicy(change: Partial<UploadPolicy>): UploadPolicyState {
    const next = resolveUploadPolicy(this.policy, change);
    this.policy = next;
    const rate = limiterRate(next.maxUploadKbps);
    if (!rate) this.limiter = undefined;
    else if (this.limiter) this.limiter.setRate(rate.ratePerSecond, rate.capacity);
    else this.limiter = new TokenBucket(rate.ratePerSecond, rate.capacity);
    const metered = isMeteredConnection();
    const off = next.consumeOnly === 'auto' ? metered : next.consumeOnly;
    const changed = off !== this.uploadOff;
    this.uploadOff = off;
    // What we hold was hidden from peers while consume-only (and the reverse): say it again.
    if (changed) for (const swarm of this.swarms.values()) swarm.resendState();
    const state = { consumeOnly: off, maxUploadKbps: next.maxUploadKbps, metered };
    this.emit('upload-policy', state);
    return state;
  }

  /**
   * Joins the swarms of renditions the player may play soon (the ladder, nearest the start
   * level first; at most {@link PREPARED_SWARMS_MAX}), so their peers are connected before the
   * first segment of that rendition is asked for. hls.js' ABR leaves the start level within
   * the first fragments; a swarm joined only then has no peer yet, and its first segments come
   * over HTTP although the neighbours hold them. Swarms not used in the next
   * `SWARM_IDLE_MS` are left again. Idempotent.
   */
  prepare(renditions: readonly string[]): void {
    if (this.destroyed) return;
    for (const rendition of renditions.slice(0, PREPARED_SWARMS_MAX)) {
      this.loaderFor(rendition);
    }
  }

  /**
   * Starts what the `deferConnections` option held back: the tracker connection, the
   * coordinator session and the swarm joins. Idempotent.
   */
  openConnections(): void {
    if (!this.connectionsDeferred || this.destroyed) return;
    this.connectionsDeferred = false;
    this.connectionsOpenedAt = performance.now();
    this.connect();
    if (this.tracker.ready) for (const swarm of this.swarms.values()) this.joinSwarm(swarm);
  }

  /** Our peer id, once the tracker assigned it. */
  get peerId(): string | undefined {
    return this.tracker.peerId;
  }

  /**
   * Delivers a segment: from peers when they can in time, otherwise over HTTP. Rejects only
   * when HTTP itself fails or the request is aborted; P2P trouble is reported as events.
   */
  async loadSegment(request: SegmentRequest): Promise<SegmentResult> {
    if (this.destroyed) throw new SdkError(SdkErrorCode.Destroyed, 'the engine was destroyed');
    const loader = this.loaderFor(request.rendition);
    loader.swarm.lastUsed = Date.now();
    const result = await loader.load(request);
    if (result.verified && result.peerId && result.root && this.coordinator) {
      this.verifiedP2PBytes += result.bytes.byteLength;
      this.coordinator.receipt(
        result.peerId,
        request.rendition,
        request.sequence,
        result.root,
        result.bytes.byteLength,
        result.deliveryMs,
      );
    }
    if (result.source === 'http') this.totals.httpSegments += 1;
    if (result.source === 'p2p') this.totals.p2pSegments += 1;
    this.emit('segment-loaded', {
      rendition: request.rendition,
      sequence: request.sequence,
      source: result.source,
      bytes: result.bytes.byteLength,
      httpBytes: result.httpBytes,
      p2pBytes: result.p2pBytes,
      peerId: result.peerId,
      verified: result.verified,
      httpReason: result.httpReason,
    });
    return result;
  }

  /**
   * HTTP throughput and time to first byte measured on this viewer's real segment transfers,
   * once there was one: the rate the hls.js loader reports peer deliveries at.
   */
  httpRate(): { bitsPerSecond: number; ttfbMs: number } | undefined {
    return this.http.rate();
  }

  /** Tells the engine where playback is, so live segments behind it can be evicted. */
  setPlayhead(rendition: string, sequence: number, live: boolean): void {
    this.store.setPlayhead(swarmKey({ streamId: this.config.streamId, rendition }), sequence, live);
  }

  getStats(): EngineStats {
    const session = this.coordinator?.getStats().session;
    const downloaded = this.totals.httpBytes + this.totals.p2pBytes;
    // A peer watching two renditions with us is one peer, not two.
    const peers = new Set<string>();
    for (const swarm of this.swarms.values()) swarm.connectedIds().forEach((id) => peers.add(id));
    return {
      peerId: this.tracker.peerId,
      ...this.totals,
      peers: peers.size,
      p2pShare: downloaded === 0 ? 0 : this.totals.p2pBytes / downloaded,
      storeBytes: this.store.bytes,
      consumeOnly: this.uploadOff,
      maxUploadKbps: this.policy.maxUploadKbps,
      bannedPeers: this.banned.size,
      swarms: [...this.swarms.keys()],
      // Read from the link, so a renewed session shows at once.
      sessionId: session?.sessionId,
      viewerId: session?.viewerId,
      verifiedP2PBytes: this.verifiedP2PBytes,
    };
  }

  /** Bans a peer for the rest of the session and drops its connections. */
  ban(peerId: string, reason: string): void {
    if (this.banned.has(peerId)) return;
    this.banned.add(peerId);
    for (const swarm of this.swarms.values()) swarm.drop(peerId, `banned: ${reason}`);
    this.emit('peer-banned', { peerId, reason });
  }

  /** Leaves every swarm, closes every connection and timer. The engine is unusable afterwards. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    clearInterval(this.idleTimer);
    clearInterval(this.ticketTimer);
    this.tickets.clear();
    await this.coordinator?.destroy();
    await Promise.all([...this.swarms.values()].map((swarm) => swarm.close()));
    this.swarms.clear();
    this.tracker.close();
    this.store.clear();
    this.removeAllListeners();
  }

  /**
   * Takes over segments the player loaded over HTTP before the engine was attached to it (the
   * player attaches it after the first frame, decision 60): counts them in the stats and the
   * usage reports as if the engine had loaded them, measures HTTP on them (the rate peer
   * deliveries are reported to hls.js at, `httpRate`, and the scheduler's HTTP estimate start
   * from them), and holds those given with their bytes for peers, as it holds what it loads.
   */
  adoptEarlierHttpLoads(loads: readonly EarlierHttpLoad[]): void {
    for (const { rendition, sequence, bytes, data, totalMs, ttfbMs } of loads) {
      this.totals.httpBytes += bytes;
      this.totals.httpSegments += 1;
      const swarm = swarmKey({ streamId: this.config.streamId, rendition });
      this.http.record(swarm, bytes, totalMs, ttfbMs);
      if (data) {
        this.http.recordSize(swarm, data.byteLength);
        this.store.put(swarm, sequence, data);
      }
    }
  }

  /** Counts a playback stall (the player calls it on hls.js' BUFFER_STALLED_ERROR). */
  reportStall(): void {
    this.stalls += 1;
  }

  /** Sends watch-time heartbeats to the coordinator while `isPlaying()` (the player calls it). */
  startWatchHeartbeats(isPlaying: () => boolean): void {
    this.isPlaying = isPlaying;
    if (this.networkStarted) this.coordinator?.startHeartbeats(isPlaying);
  }

  private linkCoordinator(url: string): CoordinatorLink {
    const link = new CoordinatorLink({
      url,
      streamId: this.config.streamId,
      viewerId: this.config.viewerId,
      referralCode: this.config.referralCode,
      rootWaitMs: this.config.rootWaitMs,
      heartbeatMs: this.config.heartbeatMs,
      meetingTickets: (receipts) => this.tickets.forReceipts(receipts),
      // What this viewer loaded, sent every 30 s with the receipts (decision 33).
      usage: () => ({
        httpBytes: this.totals.httpBytes,
        httpSegments: this.totals.httpSegments,
        p2pBytes: this.totals.p2pBytes,
        p2pSegments: this.totals.p2pSegments,
        stalls: this.stalls,
      }),
    });
    link.onAny((tagged) => {
      if (tagged.event !== 'session-renewed') return this.emit(tagged.event, tagged.payload);
      // The tickets name the old session's peer id.
      this.tickets.clear();
      this.tracker.reconnect();
    });
    return link;
  }

  /**
   * Connects to the tracker and starts the coordinator session, without joining swarms yet
   * (with `deferConnections`, `openConnections()` does both). Idempotent.
   */
  connect(): void {
    if (this.networkStarted || this.destroyed) return;
    this.networkStarted = true;
    const link = this.coordinator;
    if (link) {
      link.start().catch((error: unknown) => this.reportError(error));
      // Challenges name a stream, rendition and sequence; the store is keyed by swarm.
      link.startChallenges((rendition, sequence) =>
        this.store.get(swarmKey({ streamId: this.config.streamId, rendition }), sequence),
      );
      if (this.isPlaying) link.startHeartbeats(this.isPlaying);
    }
    this.tracker.connect();
  }

  /** The loader of a rendition's swarm, joining the swarm first if we are not in it. */
  private loaderFor(rendition: string): SegmentLoader {
    const key = swarmKey({ streamId: this.config.streamId, rendition });
    const existing = this.loaders.get(key);
    if (existing) return existing;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the source's getter reads it
    const engine = this;
    const swarm: Swarm = new Swarm(key, this.config.streamId, rendition, {
      config: this.config,
      tracker: this.tracker,
      source: {
        segment: (sequence) => {
          const bytes = this.store.get(key, sequence);
          // A served segment can be challenged: keep it while the coordinator may ask.
          if (bytes) this.store.keep(key, sequence, this.config.servedKeepMs);
          return bytes && this.config.debugCorruptUploads ? corrupt(bytes) : bytes;
        },
        uploadAllowed: () => !this.uploadOff,
        // Read at each upload, so a cap set at runtime applies to the next segment served.
        get limiter() {
          return engine.limiter;
        },
      },
      localState: () =>
        this.uploadOff
          ? { held: [], fetching: [] }
          : { held: this.store.sequences(key), fetching: loader.fetching() },
      isBanned: (peerId) => this.banned.has(peerId),
    });
    swarm.on('peer-connect', ({ peerId }) => this.emit('peer-connect', { peerId, swarm: key }));
    swarm.on('peer-close', ({ peerId, reason }) =>
      this.emit('peer-close', { peerId, swarm: key, reason }),
    );
    swarm.on('peer-violation', ({ peerId, reason }) =>
      this.ban(peerId, `protocol violation: ${reason}`),
    );
    swarm.on('uploaded', ({ peerId, sequence, bytes }) => {
      this.totals.uploadedBytes += bytes;
      this.emit('uploaded', { peerId, swarm: key, sequence, bytes });
    });
    const loader: SegmentLoader = new SegmentLoader(swarm, this.loaderServices());
    this.swarms.set(key, swarm);
    this.loaders.set(key, loader);
    if (this.tracker.ready) this.joinSwarm(swarm);
    return loader;
  }

  /**
   * What every swarm's loader asks of the engine: the store, the HTTP estimator, who we are,
   * announcements, verification and reporting (decision 53).
   */
  private loaderServices(): LoaderServices {
    return (this.services ??= {
      config: this.config,
      store: this.store,
      http: this.http,
      self: () => ({ peerId: this.tracker.peerId ?? '', consumeOnly: this.uploadOff }),
      connectionsOpenedAt: () => this.connectionsOpenedAt,
      announce: (swarm, sequence, state) => this.announce(swarm, sequence, state),
      verify: (rendition, sequence, bytes, waitMs) =>
        this.coordinator
          ? this.coordinator.verify(rendition, sequence, bytes, waitMs)
          : Promise.resolve({ status: 'ok', root: undefined }),
      report: (report) => this.onLoadReport(report),
    });
  }

  /** Renews the tickets of connected pairs as often as the tracker's `welcome` asks. */
  private scheduleTicketRenewal(): void {
    clearInterval(this.ticketTimer);
    this.ticketTimer = undefined;
    const renewMs = this.tracker.ticketRenewMs;
    if (renewMs === undefined || this.destroyed) return;
    this.ticketTimer = setInterval(() => {
      for (const swarm of this.swarms.values()) {
        for (const peerId of swarm.connectedIds()) {
          const held = this.tickets.newest(swarm.key, peerId);
          // A refusal (the peer left, the ticket is too old) only means no renewal.
          if (held) this.tracker.renewTicket(swarm.key, peerId, held).catch(() => undefined);
        }
      }
    }, renewMs);
  }

  private joinSwarm(swarm: Swarm): void {
    if (this.connectionsDeferred) return;
    swarm.join().catch((error: unknown) => this.reportError(error));
  }

  private leaveIdleSwarms(): void {
    const now = Date.now();
    for (const [key, swarm] of this.swarms) {
      if (now - swarm.lastUsed < SWARM_IDLE_MS) continue;
      this.swarms.delete(key);
      void swarm.close();
      this.store.dropSwarm(key);
      this.loaders.delete(key);
    }
  }

  private announce(swarm: string, sequence: number, state: 'held' | 'fetching' | 'dropped'): void {
    if (!this.uploadOff) this.swarms.get(swarm)?.announce(sequence, state);
  }

  /** Counts a load's bytes as they arrive; reports its trouble as events. */
  private onLoadReport(report: LoadReport): void {
    switch (report.type) {
      case 'bytes':
        if (report.from === 'http') this.totals.httpBytes += report.bytes;
        else this.totals.p2pBytes += report.bytes;
        return;
      case 'peer-failure':
        return this.reportError(report.error);
      case 'integrity-failure': {
        const { peerId, rendition, sequence } = report;
        this.ban(peerId, `segment ${sequence} failed its integrity check`);
        this.emit('integrity-failure', { peerId, rendition, sequence });
        return;
      }
      case 'unverified':
        return this.reportError(
          new SdkError(
            SdkErrorCode.IntegrityUnknown,
            `no root for segment ${report.sequence} in time`,
          ),
        );
    }
  }

  private reportError(error: unknown): void {
    const sdkError =
      error instanceof SdkError ? error : new SdkError(SdkErrorCode.PeerProtocol, String(error));
    this.emit('error', { code: sdkError.code, message: sdkError.message, fatal: false });
  }
}

/** A copy with every 4096th byte flipped: what `debugCorruptUploads` serves peers. */
function corrupt(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  for (let i = 0; i < copy.length; i += 4096) copy[i] = (copy[i] ?? 0) ^ 0xff;
  return copy;
}
