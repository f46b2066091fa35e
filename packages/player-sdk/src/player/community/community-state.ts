/**
 * The community feed's logic without the DOM: which events are news to this viewer (toasts),
 * and how far each goal is. Events are shown once each, by id; the first answer only sets the
 * baseline (old events are history, not news), except its newest event when it is fresh.
 */
import type {
  CommunityEventResponse,
  CommunityGoalResponse,
  StreamCommunityResponse,
} from '@streamrp2p/protocol/api-schemas';

/** An event at most this old when the feed first loads is still shown as news. */
export const FRESH_MS = 60_000;

/** Ids remembered at most (the feed answers 20 events; a long session sees many more). */
const MAX_SEEN = 500;

/** Which events of each answer are new: the events to show as toasts, oldest first. */
export type EventDiff = (
  events: readonly CommunityEventResponse[],
  nowMs: number,
) => CommunityEventResponse[];

/**
 * A fresh {@link EventDiff} (a closure, not a class: class fields would bring the bundler's
 * helpers into the chunk).
 */
export function eventDiff(): EventDiff {
  const seen = new Set<string>();
  let primed = false;
  return (events, nowMs) => {
    const fresh = events.filter((e) => !seen.has(e.id));
    for (const e of fresh) seen.add(e.id);
    if (seen.size > MAX_SEEN) {
      for (const id of [...seen].slice(0, seen.size - MAX_SEEN)) seen.delete(id);
    }
    const byTime = [...fresh].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    if (primed) return byTime;
    primed = true;
    const newest = byTime.at(-1);
    return newest !== undefined && nowMs - Date.parse(newest.at) <= FRESH_MS ? [newest] : [];
  };
}

/** A goal as its bar shows it. */
export interface GoalView {
  id: string;
  title: string;
  /** 0..100, whole. */
  percent: number;
  /** "$0.42 of $1.00 saved" */
  label: string;
  reached: boolean;
}

/** Micro-units as money with cents (integer arithmetic, cents rounded down). */
export function money(micros: number, currency: string): string {
  const cents = Math.floor(Math.abs(micros) / 10_000);
  const amount = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  return currency.toLowerCase() === 'usd' ? `$${amount}` : `${amount} ${currency.toUpperCase()}`;
}

export function goalView(goal: CommunityGoalResponse): GoalView {
  const ratio = goal.targetMicros > 0 ? goal.progressMicros / goal.targetMicros : 0;
  const reached = goal.status === 'reached';
  return {
    id: goal.goalId,
    title: goal.title,
    percent: reached ? 100 : Math.min(100, Math.floor(ratio * 100)),
    label: `${money(goal.progressMicros, goal.currency)} of ${money(goal.targetMicros, goal.currency)} saved`,
    reached,
  };
}

/** Whether `value` looks like a feed answer (a coordinator may be older, or a proxy wrong). */
export function isFeed(value: unknown): value is StreamCommunityResponse {
  const v = value as Partial<StreamCommunityResponse> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.streamerId === 'string' &&
    Array.isArray(v.goals) &&
    Array.isArray(v.events)
  );
}
