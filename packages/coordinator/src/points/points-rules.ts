/** The pure points rules: rates, status thresholds, watch-time accounting, cooldowns. */
import {
  ACCOUNT_PROMPT_POINTS,
  VIP_POINTS,
  type PointsAction,
  type PointsResponse,
} from '@streamrp2p/protocol';

export const POINTS_ACTIONS: readonly PointsAction[] = Object.freeze([
  'watch_time',
  'chat_message',
  'follow_streamer',
  'share_stream',
]);

/**
 * Minimum time between two awarded events of an action by one viewer in one stream, so a
 * script cannot farm chat or share points. `follow_streamer` is once per streamer instead.
 */
export const ACTION_COOLDOWN_SECONDS: Readonly<Partial<Record<PointsAction, number>>> =
  Object.freeze({
    chat_message: 10,
    share_stream: 3600,
  });

/** `vip` from {@link VIP_POINTS}, `account_prompt` from {@link ACCOUNT_PROMPT_POINTS}. */
export function pointsStatus(balance: number): PointsResponse['status'] {
  if (balance >= VIP_POINTS) return 'vip';
  if (balance >= ACCOUNT_PROMPT_POINTS) return 'account_prompt';
  return 'none';
}

export interface WatchState {
  /** When the session started, ms. */
  sessionStartMs: number;
  nowMs: number;
  /** Watch time already accepted for this session, ms. */
  acceptedMs: number;
  /** What this heartbeat claims, ms. */
  claimedMs: number;
}

/**
 * Watch time never runs faster than the wall clock: a heartbeat is accepted up to the time the
 * session has existed minus what was already accepted. Whole minutes pay; the remainder carries
 * over in `acceptedMs`.
 *
 * @example
 * watchCredit({ sessionStartMs: 0, nowMs: 60_000, acceptedMs: 0, claimedMs: 600_000 });
 * // { acceptedMs: 60_000, minutes: 1 }
 */
export function watchCredit(state: WatchState): { acceptedMs: number; minutes: number } {
  const available = Math.max(0, state.nowMs - state.sessionStartMs - state.acceptedMs);
  const accepted = Math.max(0, Math.min(Math.floor(state.claimedMs), available));
  const total = state.acceptedMs + accepted;
  const minutes = Math.floor(total / 60_000) - Math.floor(state.acceptedMs / 60_000);
  return { acceptedMs: accepted, minutes };
}
