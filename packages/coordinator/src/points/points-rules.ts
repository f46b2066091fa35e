/** The pure points rules: status thresholds, watch-time accounting, cooldowns, daily caps. */
import {
  ACCOUNT_PROMPT_POINTS,
  VIP_POINTS,
  type PointsAction,
  type PointsResponse,
} from '@streamrp2p/protocol';
import type { CoordinatorConfig } from '../config/config.js';

export const POINTS_ACTIONS: readonly PointsAction[] = Object.freeze([
  'watch_time',
  'chat_message',
  'follow_streamer',
  'share_stream',
]);

/**
 * Minimum time between two awarded events of an action by one viewer: for chat over all streams
 * (one person chats in one place at a time), for share per stream. `follow_streamer` is once per
 * streamer instead.
 */
export const ACTION_COOLDOWN_SECONDS: Readonly<Partial<Record<PointsAction, number>>> =
  Object.freeze({
    chat_message: 10,
    // Once a day per stream (decision 43): a share pays when its link brings a new viewer.
    share_stream: 86_400,
  });

/** `vip` from {@link VIP_POINTS}, `account_prompt` from {@link ACCOUNT_PROMPT_POINTS}. */
export function pointsStatus(balance: number): PointsResponse['status'] {
  if (balance >= VIP_POINTS) return 'vip';
  if (balance >= ACCOUNT_PROMPT_POINTS) return 'account_prompt';
  return 'none';
}

/** Why a points event paid nothing (the `reason` label of `_points_refused_total`). */
export type PointsRefusal =
  /** watch_time: the viewer's watch time has already reached the wall clock. */
  | 'wall_clock'
  /** chat or share again in the same stream within the action's cooldown. */
  | 'cooldown'
  /** follow_streamer: this viewer was paid for following the streamer before (once ever). */
  | 'already_followed'
  /** No live session of the viewer in the stream to earn it from. */
  | 'no_session'
  /** The viewer has watched the stream for less than `pointsMinWatchSeconds`. */
  | 'not_watching'
  /** The stream's owner is the earner: same account, address, network or key. */
  | 'own_stream'
  /** Fewer than `pointsMinAudience` other viewers on distinct networks are live in the stream. */
  | 'no_audience'
  /** The viewer's daily cap of the action is reached. */
  | 'daily_cap'
  /** The daily cap of the action for the earner's address is reached. */
  | 'address_cap'
  /** share_stream asked for directly: a share pays only when its link brings a new viewer. */
  | 'referral_only';

/** The daily caps (awards per 24 h) by action, from the config; watch time has none. */
export type DailyCapConfig = Pick<
  CoordinatorConfig,
  'pointsChatDailyCap' | 'pointsFollowDailyCap' | 'pointsShareDailyCap' | 'pointsAddressCapFactor'
>;

/** The config field holding each capped action's per-viewer cap. */
const CAP_FIELDS: Readonly<Partial<Record<PointsAction, keyof DailyCapConfig>>> = Object.freeze({
  chat_message: 'pointsChatDailyCap',
  follow_streamer: 'pointsFollowDailyCap',
  share_stream: 'pointsShareDailyCap',
});

/**
 * Awards of `action` per viewer and per address in 24 h, or undefined for watch time (bounded by
 * the wall clock instead). An address cap of 0 means none.
 *
 * @example
 * dailyCaps(DEFAULT_COORDINATOR_CONFIG, 'share_stream'); // { viewer: 10, address: 50 }
 */
export function dailyCaps(
  config: DailyCapConfig,
  action: PointsAction,
): { viewer: number; address: number } | undefined {
  const field = CAP_FIELDS[action];
  if (field === undefined) return undefined;
  const viewer = config[field];
  return { viewer, address: viewer * config.pointsAddressCapFactor };
}

export interface WatchState {
  /** When the heartbeat's session started, ms. */
  sessionStartMs: number;
  nowMs: number;
  /**
   * How far the viewer's accepted watch time reaches on the wall clock, over all its sessions;
   * undefined before its first accepted heartbeat.
   */
  watchedUntilMs: number | undefined;
  /** Watch time accepted for the viewer so far, ms (for the sub-minute remainder). */
  acceptedMs: number;
  /** What this heartbeat claims, ms. */
  claimedMs: number;
}

/**
 * Watch time never runs faster than the wall clock, per viewer: a heartbeat is accepted from
 * where the viewer's accepted time reaches (or the session's start, if later) up to now, so the
 * accepted spans of all the viewer's sessions never overlap and sum to at most the time since
 * its first session started. Whole minutes pay; the remainder carries over in `acceptedMs`.
 *
 * @example
 * watchCredit({ sessionStartMs: 0, nowMs: 60_000, watchedUntilMs: undefined, acceptedMs: 0, claimedMs: 600_000 });
 * // { acceptedMs: 60_000, minutes: 1, watchedUntilMs: 60_000 }
 */
export function watchCredit(state: WatchState): {
  acceptedMs: number;
  minutes: number;
  watchedUntilMs: number | undefined;
} {
  const from = Math.max(state.watchedUntilMs ?? state.sessionStartMs, state.sessionStartMs);
  const available = Math.max(0, state.nowMs - from);
  const accepted = Math.max(0, Math.min(Math.floor(state.claimedMs), available));
  if (accepted === 0) return { acceptedMs: 0, minutes: 0, watchedUntilMs: state.watchedUntilMs };
  const minutes =
    Math.floor((state.acceptedMs + accepted) / 60_000) - Math.floor(state.acceptedMs / 60_000);
  return { acceptedMs: accepted, minutes, watchedUntilMs: from + accepted };
}
