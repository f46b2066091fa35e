import type { PointsAction, PointsRequest, PointsResponse } from '@streamrp2p/protocol';
import type { ApiClient } from './api-client.js';
import { isRetryable, toSdkError } from './errors.js';
import type { CoordinatorConfig } from './config.js';
import type { Hooks } from './events.js';
import { parsePoints } from './responses.js';
import { Timers } from './timers.js';

/** Actions a page reports itself; watch time is measured by the heartbeat. */
export type AwardAction = Exclude<PointsAction, 'watch_time'>;

/** Events: `points`, and `account-prompt` / `vip` once each when the balance first reaches them. */
export type WatchHeartbeatOptions = Hooks &
  Pick<CoordinatorConfig, 'streamId' | 'heartbeatMs' | 'now' | 'monotonicNow'> & {
    viewerId: string;
    /** Bearer of the points endpoint (the session secret). */
    secret: string;
    /** How often playback state is sampled. @default min(1000, heartbeatMs) */
    sampleMs?: number;
  };

/** The coordinator's limit on `duration_seconds`. */
export const MAX_HEARTBEAT_SECONDS = 3600;

const LEVEL = { none: 0, account_prompt: 1, vip: 2 } as const;

/**
 * Watch-time heartbeats and points awards (`POST /api/viewers/points`). Only time spent playing
 * counts, measured on a monotonic clock; seconds a failed heartbeat could not deliver go with
 * the next one.
 *
 * @example
 * const heartbeat = new WatchHeartbeat(api, options);
 * heartbeat.start(() => !video.paused && !video.ended);
 * await heartbeat.award('share_stream');
 */
export class WatchHeartbeat {
  readonly stats = { heartbeats: 0, failures: 0, sentSeconds: 0 };
  /** Last balance and status the coordinator reported. */
  balance: number | undefined;
  status: PointsResponse['status'] = 'none';
  private level = 0;
  private unsentMs = 0;
  private lastSample = 0;
  private wasPlaying = false;
  private isPlaying: (() => boolean) | undefined;
  private sending: Promise<PointsResponse | undefined> | undefined;
  private failing = false;
  private readonly timers = new Timers();

  constructor(
    private readonly api: ApiClient,
    private readonly options: WatchHeartbeatOptions,
  ) {}

  /** Watched seconds the coordinator has not credited yet (fractions included). */
  get unsentSeconds(): number {
    return this.unsentMs / 1000;
  }

  /** Samples `isPlaying` and sends a heartbeat every `heartbeatMs`; a second call swaps it. */
  start(isPlaying: () => boolean): void {
    const running = this.isPlaying !== undefined;
    this.isPlaying = isPlaying;
    if (running || this.timers.isClosed) return;
    this.lastSample = this.options.monotonicNow();
    this.wasPlaying = this.playingNow();
    const sampleMs = this.options.sampleMs ?? Math.min(1000, this.options.heartbeatMs);
    const sampleLoop = () => {
      this.sample();
      this.timers.after(sampleMs, sampleLoop);
    };
    const heartbeatLoop = async () => {
      await this.heartbeat();
      this.timers.after(this.options.heartbeatMs, () => void heartbeatLoop());
    };
    this.timers.after(sampleMs, sampleLoop);
    this.timers.after(this.options.heartbeatMs, () => void heartbeatLoop());
  }

  /** Adds the time since the last sample if playback was on during it. */
  sample(): void {
    if (!this.isPlaying) return;
    const now = this.options.monotonicNow();
    if (this.wasPlaying) this.unsentMs += Math.max(0, now - this.lastSample);
    this.lastSample = now;
    this.wasPlaying = this.playingNow();
  }

  /**
   * Sends the whole seconds watched and not yet credited, if any (one request at a time).
   * Never rejects: on failure the seconds stay for the next heartbeat.
   */
  heartbeat(): Promise<PointsResponse | undefined> {
    this.sending ??= this.sendWatchTime().finally(() => (this.sending = undefined));
    return this.sending;
  }

  /** Reports a page action; rejects with an `SdkError` when the coordinator refuses or fails. */
  async award(action: AwardAction): Promise<PointsResponse> {
    return this.post(action, undefined);
  }

  /** Stops sampling and heartbeats (time not yet sent is lost unless `heartbeat()` runs first). */
  stop(): void {
    this.sample();
    this.timers.close();
  }

  private async sendWatchTime(): Promise<PointsResponse | undefined> {
    this.sample();
    // The coordinator accepts at most an hour per heartbeat; the rest goes with the next ones.
    const seconds = Math.min(MAX_HEARTBEAT_SECONDS, Math.floor(this.unsentMs / 1000));
    if (seconds === 0) return undefined;
    this.stats.heartbeats += 1;
    try {
      const response = await this.post('watch_time', seconds);
      // Samples taken while the request was out were added meanwhile: subtract, never reset.
      this.unsentMs -= seconds * 1000;
      this.stats.sentSeconds += seconds;
      this.failing = false;
      return response;
    } catch (thrown) {
      const error = toSdkError(thrown);
      this.stats.failures += 1;
      if (!isRetryable(error) || !this.failing) this.options.onError(error);
      this.failing = isRetryable(error);
      return undefined;
    }
  }

  private async post(action: PointsAction, seconds: number | undefined): Promise<PointsResponse> {
    const body: PointsRequest = {
      viewer_id: this.options.viewerId,
      stream_id: this.options.streamId,
      action,
      ...(seconds === undefined ? {} : { duration_seconds: seconds }),
      timestamp: this.options.now(),
    };
    const response = parsePoints(
      await this.api.request({
        method: 'POST',
        path: '/api/viewers/points',
        bearer: this.options.secret,
        body,
      }),
    );
    this.record(action, response);
    return response;
  }

  private record(action: PointsAction, response: PointsResponse): void {
    const { awarded, balance, multiplier, status } = response;
    this.balance = balance;
    this.status = status;
    this.options.emit('points', { action, awarded, balance, multiplier, status });
    const level = LEVEL[status];
    if (level > this.level) {
      this.level = level;
      this.options.emit(status === 'vip' ? 'vip' : 'account-prompt', { balance });
    }
  }

  private playingNow(): boolean {
    try {
      return this.isPlaying?.() === true;
    } catch {
      return false; // A page callback that throws counts as not playing.
    }
  }
}
