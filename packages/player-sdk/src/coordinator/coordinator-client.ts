import type { PointsResponse, SessionSummaryResponse } from '@streamrp2p/protocol';
import { Emitter } from '../emitter.js';
import { SdkError, SdkErrorCode } from '../errors.js';
import { ApiClient, type ApiRequest } from './api-client.js';
import { mergeCoordinatorConfig } from './merge-config.js';
import { ChallengeResponder, type GetSegment } from './challenges.js';
import type { CoordinatorConfig, CoordinatorOptions } from './config.js';
import type { CoordinatorEvents, Emit, FlushResult } from './events.js';
import { WatchHeartbeat, type AwardAction } from './points.js';
import { ReceiptQueue } from './receipts.js';
import { fetchRewardFigures, fetchSupporterCount, type RewardFigures } from './rewards.js';
import { RootsCache, type RootCheck } from './roots.js';
import { Session, type SessionInfo } from './session.js';
import { Timers } from './timers.js';
import { statsOf, type CoordinatorStats } from './stats.js';
import { UsageReporter } from './usage.js';
import { resolveStorage } from './viewer-id.js';

/** What `destroy()` managed before giving up. */
export interface DestroyResult {
  /** Receipts that could not be delivered in time (lost). */
  unsentReceipts: number;
  sessionEnded: boolean;
}

/**
 * The SDK's link to the coordinator: the session and its tracker token, segment roots for
 * integrity, signed receipts for what peers served us, challenge answers, and points.
 *
 * @example
 * const coordinator = new CoordinatorClient({ url: 'https://coordinator.example', streamId: 'demo' });
 * const { peerId } = await coordinator.start();
 * const token = await coordinator.trackerToken();
 * const check = await coordinator.verifySegment('720p', 1042, bytes); // { status: 'ok', root }
 * if (check.status === 'ok') void coordinator.receiptFor(uploader, '720p', 1042, check.root.root, bytes.length);
 * coordinator.startHeartbeats(() => !video.paused);
 * coordinator.on('account-prompt', ({ balance }) => showSignupHint(balance));
 */
export class CoordinatorClient extends Emitter<CoordinatorEvents> {
  readonly config: CoordinatorConfig;
  private readonly api: ApiClient;
  private readonly roots: RootsCache;
  private session: Session | undefined;
  private starting: Promise<SessionInfo> | undefined;
  private receipts: ReceiptQueue | undefined;
  private challenges: ChallengeResponder | undefined;
  private heartbeat: WatchHeartbeat | undefined;
  private destroyed = false;
  private expired = false;
  /** How the parts report: events as ours, failures as non-fatal `error` events. */
  private readonly hooks = {
    emit: ((event, payload) => this.emit(event, payload)) as Emit,
    onError: (error: SdkError) => this.reportError(error),
  };

  constructor(options: CoordinatorOptions) {
    super((error) => console.error('streamrp2p: a coordinator event listener threw', error));
    this.config = mergeCoordinatorConfig(options);
    this.api = new ApiClient({
      baseUrl: this.config.url,
      timeoutMs: this.config.requestTimeoutMs,
      fetch: this.config.fetch,
    });
    this.roots = new RootsCache(this.api, {
      streamId: this.config.streamId,
      pollMs: this.config.rootPollMs,
      clock: this.config.monotonicNow,
      onError: this.hooks.onError,
    });
  }

  /**
   * Creates the session (once; later calls return the same). Rejects with the coordinator's
   * error: without a session there is no tracker token, so the caller decides (HTTP only).
   */
  start(): Promise<SessionInfo> {
    this.starting ??= this.createSession();
    return this.starting;
  }

  /** A tracker token valid for a while yet (refreshed when it nears expiry). */
  trackerToken(): Promise<string> {
    return this.requireSession().trackerToken();
  }

  /** Checks segment bytes against the indexed root, waiting up to `rootWaitMs` for it. */
  verifySegment(
    rendition: string,
    sequence: number,
    bytes: Uint8Array,
    waitMs = this.config.rootWaitMs,
  ): Promise<RootCheck> {
    return this.roots.verify(rendition, sequence, bytes, waitMs);
  }

  /**
   * Queues a receipt for a verified segment a peer served us (each upload is signed once, as a
   * batch). Resolves false (with an `error` event) for an invalid receipt; never rejects.
   */
  receiptFor(
    uploaderPeerId: string,
    rendition: string,
    sequence: number,
    root: string,
    byteLength: number,
    deliveryMs?: number,
  ): Promise<boolean> {
    this.requireSession();
    return this.receipts!.add({
      uploaderPeerId,
      rendition,
      sequence,
      root,
      byteLength,
      deliveryMs,
    });
  }

  /** Uploads queued receipts now (see `ReceiptQueue.flush`). */
  flushReceipts(): Promise<FlushResult> {
    this.requireSession();
    return this.receipts!.flush();
  }

  /** Answers challenges every `challengePollMs` from the segments `getSegment` still holds. */
  startChallenges(getSegment: GetSegment): void {
    const session = this.requireSession();
    this.challenges ??= new ChallengeResponder(this.api, session, {
      ...this.config,
      ...this.hooks,
    });
    this.challenges.start(getSegment);
  }

  /** Sends watch-time heartbeats every `heartbeatMs`, counting only time `isPlaying()` is true. */
  startHeartbeats(isPlaying: () => boolean): void {
    this.pointsFor().start(isPlaying);
  }

  /** Reports a chat message, follow or share; rejects with an `SdkError` on failure. */
  award(action: AwardAction): Promise<PointsResponse> {
    return this.pointsFor().award(action);
  }

  /**
   * The coordinator's view of our session (`GET /api/sessions/:id`): the bytes it credited us
   * for serving peers, challenges, watch time. Rejects with an `SdkError` on failure.
   */
  summary(): Promise<SessionSummaryResponse> {
    return this.requireSession().summary();
  }

  /**
   * What the player's rewards show a supporter: its credit and, when this session proved the
   * viewer, its estimated earnings (the session secret never leaves the client). Rejects with
   * an `SdkError` on failure.
   */
  rewardFigures(): Promise<RewardFigures> {
    const session = this.requireSession();
    return fetchRewardFigures(this.api, session.viewerId, session.secret);
  }

  /**
   * A request of the rewards' account and follow calls: `path` below `/api/viewers/<viewer id>`,
   * with this session's secret as bearer (the session proves the viewer). Rejects with an
   * `SdkError` on failure.
   */
  viewerRequest(request: Omit<ApiRequest, 'bearer'>): Promise<unknown> {
    const session = this.requireSession();
    const path = `/api/viewers/${encodeURIComponent(session.viewerId)}${request.path}`;
    return this.api.request({ ...request, path, bearer: session.secret });
  }

  /** A request to the coordinator without credentials (viewer sign-in, follower counts). */
  publicRequest(request: Omit<ApiRequest, 'bearer'>): Promise<unknown> {
    return this.api.request(request);
  }

  /** The chat handshake of this session: the stream and the session secret (decision 40). */
  chatAuth(): { streamId: string; sessionSecret: string } {
    return { streamId: this.config.streamId, sessionSecret: this.requireSession().secret };
  }

  /** How many viewers supported this stream lately (the supporter call to action's figure). */
  supporterCount(): Promise<number> {
    return fetchSupporterCount(this.api, this.config.streamId);
  }

  getStats(): CoordinatorStats {
    return statsOf(this.session, this.roots, this.receipts, this.challenges, this.heartbeat);
  }

  /**
   * Stops every timer, sends the last receipts and watch time (within `destroyTimeoutMs`), ends
   * the session best effort, and removes all listeners.
   */
  async destroy(): Promise<DestroyResult> {
    if (this.destroyed) return { unsentReceipts: 0, sessionEnded: false };
    this.destroyed = true;
    this.roots.close();
    this.challenges?.stop();
    this.heartbeat?.stop();
    this.receipts?.stop();
    const deadline = new Timers();
    if (this.starting) await deadline.within(this.starting, this.config.destroyTimeoutMs);
    const last = Promise.all([this.receipts?.flush(), this.heartbeat?.heartbeat()]);
    await deadline.within(last, this.config.destroyTimeoutMs);
    const sessionEnded = (await this.session?.end(this.config.destroyTimeoutMs)) ?? false;
    deadline.close();
    this.api.close();
    this.removeAllListeners();
    return { unsentReceipts: this.receipts?.pending ?? 0, sessionEnded };
  }

  private async createSession(): Promise<SessionInfo> {
    if (this.destroyed) throw destroyedError();
    const storage = resolveStorage(this.config.storage);
    const session = await Session.create(this.api, { ...this.config, storage });
    this.session = session;
    const { usage, now, usageReportMs } = this.config;
    this.receipts = new ReceiptQueue(this.api, session, {
      ...this.config,
      ...this.hooks,
      usageReporter: usage && new UsageReporter(usage, now, usageReportMs),
    });
    if (this.destroyed) void session.end(this.config.destroyTimeoutMs);
    else this.emit('session', session.info);
    return session.info;
  }

  private pointsFor(): WatchHeartbeat {
    const session = this.requireSession();
    this.heartbeat ??= new WatchHeartbeat(this.api, {
      ...this.config,
      viewerId: session.viewerId,
      secret: session.secret,
      ...this.hooks,
    });
    return this.heartbeat;
  }

  private requireSession(): Session {
    if (this.destroyed) throw destroyedError();
    if (!this.session) throw new SdkError(SdkErrorCode.InvalidConfig, 'call start() first');
    return this.session;
  }

  private reportError(error: SdkError): void {
    if (this.destroyed && error.code === SdkErrorCode.Aborted) return;
    const { code, message, details } = error;
    const server = details.serverCode;
    if ((server === 'SESSION_EXPIRED' || server === 'SESSION_NOT_FOUND') && !this.expired) {
      this.expired = true;
      this.emit('session-expired', { sessionId: this.session?.sessionId ?? '', code: server });
    }
    this.emit('error', { code, message, fatal: false, details });
  }
}

function destroyedError(): SdkError {
  return new SdkError(SdkErrorCode.Destroyed, 'the coordinator client was destroyed');
}
