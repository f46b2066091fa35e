import { Emitter } from '../emitter.js';
import { SdkError, SdkErrorCode } from '../errors.js';
import type { CoordinatorClient } from './coordinator-client.js';
import type { CoordinatorConfig, CoordinatorOptions } from './config.js';
import type { CoordinatorEvents, PointsEvent } from './events.js';
import type { GetSegment } from './challenges.js';
import type { ApiRequest } from './api-client.js';
import { mergeCoordinatorConfig } from './merge-config.js';
import type { RootsCache } from './roots.js';
import { statsOf } from './stats.js';
import { resolveStorage, storeViewerId, storeViewerSecret } from './viewer-id.js';

/** What integrity checking concluded about bytes received from peers. */
export type Verification =
  { status: 'ok'; root: string | undefined } | { status: 'mismatch' } | { status: 'unknown' };

export interface CoordinatorLinkEvents {
  points: PointsEvent;
  'account-prompt': { balance: number };
  vip: { balance: number };
  receipts: CoordinatorEvents['receipts'];
  'receipt-rejected': { code: string; message: string; sequence: number; uploaderPeerId: string };
  challenge: CoordinatorEvents['challenge'];
  /** A new session replaced an expired one: reconnect to the tracker with its token. */
  'session-renewed': { peerId: string };
  error: { code: SdkErrorCode; message: string; fatal: false };
}

type ClientClass = typeof CoordinatorClient;

/**
 * The engine's link to the coordinator: one session at a time (renewed when the coordinator
 * lets it expire), integrity checks against indexed roots, receipts for what peers served,
 * challenge answers from the segment store, and watch-time heartbeats.
 *
 * The client itself is imported on demand (its loading starts with the link), so a bundler
 * puts it in a chunk of its own: the engine alone, in open mode, does not carry it
 * (decision 52). Until it is loaded, `getStats()` reports zeros and every call waits for it.
 */
export class CoordinatorLink extends Emitter<CoordinatorLinkEvents> {
  private readonly config: CoordinatorConfig;
  private readonly loading: Promise<ClientClass>;
  private client: CoordinatorClient | undefined;
  private getSegment: GetSegment | undefined;
  private isPlaying: (() => boolean) | undefined;
  private destroyed = false;

  /** Throws an `INVALID_CONFIG` `SdkError` for a bad option, before anything is loaded. */
  constructor(options: CoordinatorOptions) {
    super((error) => console.error('streamrp2p: a coordinator listener threw', error));
    this.config = mergeCoordinatorConfig(options);
    this.loading = import('./coordinator-client.js').then(
      (module) => module.CoordinatorClient,
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        throw new SdkError(
          SdkErrorCode.CoordinatorUnavailable,
          `could not load the coordinator client: ${message}`,
        );
      },
    );
    this.loading.catch(() => undefined); // reported by the first call that needs it
  }

  /** Starts the session: resolves with the peer id and viewer id, rejects when unreachable. */
  async start(): Promise<{ peerId: string; viewerId: string; sessionId: string }> {
    const client = await this.current();
    try {
      return await client.start();
    } catch (error) {
      // A client remembers its failed start: the next attempt needs a fresh one.
      if (client === this.client && !this.destroyed) {
        this.client = this.createClient(await this.loading);
        void client.destroy();
      }
      throw error;
    }
  }

  /** Tracker auth for the socket.io handshake: a fresh token of the current session. */
  async trackerAuth(): Promise<{ token: string }> {
    await this.start();
    return { token: await (await this.current()).trackerToken() };
  }

  /** Checks bytes against the segment's root, waiting at most `waitMs` for it to be known. */
  async verify(
    rendition: string,
    sequence: number,
    bytes: Uint8Array,
    waitMs: number,
  ): Promise<Verification> {
    const client = await this.current();
    const check = await client.verifySegment(rendition, sequence, bytes, waitMs);
    if (check.status === 'ok') return { status: 'ok', root: check.root.root };
    return check.status === 'mismatch' ? { status: 'mismatch' } : { status: 'unknown' };
  }

  /** Queues a signed receipt for a verified segment `uploaderPeerId` served us. */
  receipt(
    uploaderPeerId: string,
    rendition: string,
    sequence: number,
    root: string,
    byteLength: number,
    deliveryMs?: number,
  ): void {
    void this.current().then(
      (client) =>
        client.receiptFor(uploaderPeerId, rendition, sequence, root, byteLength, deliveryMs),
      () => undefined,
    );
  }

  /** Answers the coordinator's challenges from the segments `getSegment` still holds. */
  startChallenges(getSegment: GetSegment): void {
    this.getSegment = getSegment;
    this.whenStarted((client) => client.startChallenges(getSegment));
  }

  /** Sends watch-time heartbeats while `isPlaying()` says so. */
  startHeartbeats(isPlaying: () => boolean): void {
    this.isPlaying = isPlaying;
    this.whenStarted((client) => client.startHeartbeats(isPlaying));
  }

  async award(action: 'chat_message' | 'follow_streamer' | 'share_stream'): Promise<unknown> {
    return (await this.current()).award(action);
  }

  /** Sends the receipts queued so far (tests and shutdown use it). */
  async flushReceipts(): Promise<unknown> {
    return (await this.current()).flushReceipts();
  }

  /** The coordinator's view of our session, credit included (see `CoordinatorClient.summary`). */
  async summary(): ReturnType<CoordinatorClient['summary']> {
    return (await this.current()).summary();
  }

  /** The viewer's credit and earnings (see `CoordinatorClient.rewardFigures`). */
  async rewardFigures(): ReturnType<CoordinatorClient['rewardFigures']> {
    await this.start();
    return (await this.current()).rewardFigures();
  }

  /** The chat handshake of the current session, started first (see `CoordinatorClient`). */
  async chatAuth(): Promise<{ streamId: string; sessionSecret: string }> {
    await this.start();
    return (await this.current()).chatAuth();
  }

  /** Viewers supporting the stream lately (see `CoordinatorClient.supporterCount`). */
  async supporterCount(): Promise<number> {
    return (await this.current()).supporterCount();
  }

  /** A request as this session's viewer, below `/api/viewers/<id>` (see `CoordinatorClient`). */
  async viewerRequest(request: Omit<ApiRequest, 'bearer'>): Promise<unknown> {
    await this.start();
    return (await this.current()).viewerRequest(request);
  }

  /** A request without credentials (viewer sign-in, follower counts). */
  async publicRequest(request: Omit<ApiRequest, 'bearer'>): Promise<unknown> {
    return (await this.current()).publicRequest(request);
  }

  /**
   * Makes this device the viewer an account sign-in answered: stores its id and device secret
   * where the viewer id is kept, and starts a new session as it (the points and credit of the
   * account from now on). Without storage (or with an explicit `viewerId`) it changes nothing.
   */
  async switchViewer(viewerId: string, viewerSecret: string): Promise<void> {
    const storage = resolveStorage(this.config.storage);
    storeViewerId(storage, viewerId);
    storeViewerSecret(storage, viewerId, viewerSecret);
    await this.renew(await this.current());
  }

  /** The client's totals; zeros while it is loading. */
  getStats(): ReturnType<CoordinatorClient['getStats']> {
    return this.client?.getStats() ?? statsOf(undefined, NO_ROOTS, undefined, undefined, undefined);
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await this.client?.destroy();
    this.removeAllListeners();
  }

  /** The client in use, created when its module has loaded. Rejects once destroyed. */
  private async current(): Promise<CoordinatorClient> {
    const Client = await this.loading;
    if (this.destroyed) {
      throw new SdkError(SdkErrorCode.Destroyed, 'the coordinator link is closed');
    }
    return (this.client ??= this.createClient(Client));
  }

  /** Runs `work` once the session started, unless a renewed client replaced this one since. */
  private whenStarted(work: (client: CoordinatorClient) => void): void {
    void this.current()
      .then(async (client) => {
        await this.start();
        if (client === this.client) work(client);
      })
      .catch(() => undefined);
  }

  private createClient(Client: ClientClass): CoordinatorClient {
    const client = new Client(this.config);
    client.onAny((tagged) => {
      switch (tagged.event) {
        case 'receipt-rejected': {
          const { receipt, code, message } = tagged.payload;
          const { sequence, uploaderPeerId } = receipt;
          return this.emit('receipt-rejected', { code, message, sequence, uploaderPeerId });
        }
        case 'error': {
          const { code, message } = tagged.payload;
          return this.emit('error', { code, message, fatal: false });
        }
        case 'session-expired':
          return void this.renew(client);
        // The link's own business: the engine learns of a session through start().
        case 'session':
        case 'receipts-dropped':
          return;
        default:
          return this.emit(tagged.event, tagged.payload);
      }
    });
    return client;
  }

  /** The coordinator forgot our session (it was unreachable for too long): start a new one. */
  private async renew(expired: CoordinatorClient): Promise<void> {
    if (this.destroyed || expired !== this.client) return;
    this.client = this.createClient(await this.loading);
    void expired.destroy();
    try {
      const { peerId } = await this.start();
      if (this.getSegment) this.client.startChallenges(this.getSegment);
      if (this.isPlaying) this.client.startHeartbeats(this.isPlaying);
      this.emit('session-renewed', { peerId });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.emit('error', {
        code: error instanceof SdkError ? error.code : SdkErrorCode.CoordinatorUnavailable,
        message: `could not renew the coordinator session: ${message}`,
        fatal: false,
      });
    }
  }
}

/** The roots part of the totals before the client exists. */
const NO_ROOTS = {
  stats: { requests: 0, ok: 0, mismatch: 0, unknown: 0 },
  size: 0,
} as RootsCache;
