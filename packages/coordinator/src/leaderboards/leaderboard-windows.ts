/** The leaderboards' windows: calendar UTC day and ISO week (from Monday), and all time. */
import type { LeaderboardWindow } from '@streamrp2p/protocol/api-schemas';

const DAY_MS = 86_400_000;

/** `[from, to)` of `window` at `now`: a board counts what happened since the window began. */
export function windowRange(window: LeaderboardWindow, now: Date): { from: Date; to: Date } {
  const t = now.getTime();
  const dayStart = Math.floor(t / DAY_MS) * DAY_MS;
  switch (window) {
    case 'day':
      return { from: new Date(dayStart), to: now };
    case 'week': {
      // getUTCDay: 0 is Sunday; the week starts on Monday.
      const sinceMonday = (now.getUTCDay() + 6) % 7;
      return { from: new Date(dayStart - sinceMonday * DAY_MS), to: now };
    }
    case 'all':
      return { from: new Date(0), to: now };
  }
}
