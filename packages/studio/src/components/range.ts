/** The chart's ranges and the metrics step each reads (at most 10,000 points per answer). */
export type RangeId = 'hour' | 'day' | 'month';

export const RANGES: Record<RangeId, { label: string; ms: number; step: 'minute' | 'hour' }> = {
  hour: { label: 'Hour', ms: 3_600_000, step: 'minute' },
  day: { label: 'Day', ms: 86_400_000, step: 'minute' },
  // 43,200 minutes would pass the API's 10,000-point cap: a month is drawn by the hour.
  month: { label: 'Month', ms: 30 * 86_400_000, step: 'hour' },
};

export const STEP_MS = { minute: 60_000, hour: 3_600_000 } as const;

/** `[from, to)` of a range ending at the current step's end. */
export function rangeBounds(id: RangeId, now = Date.now()): { from: Date; to: Date } {
  const { ms, step } = RANGES[id];
  const to = Math.ceil(now / STEP_MS[step]) * STEP_MS[step];
  return { from: new Date(to - ms), to: new Date(to) };
}
