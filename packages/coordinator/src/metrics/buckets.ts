/** Bucket arithmetic in UTC milliseconds (never the database session's time zone). */
import { sql, type RawBuilder } from 'kysely';
import type { MetricsStep } from './series.js';

export const STEP_MS: Readonly<Record<MetricsStep, number>> = Object.freeze({
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
});

/** The start of the bucket of `step` holding `ms`. */
export function floorTo(ms: number, step: MetricsStep): number {
  return Math.floor(ms / STEP_MS[step]) * STEP_MS[step];
}

/** The minute holding `ms`, as a Date. */
export function minuteOf(ms: number): Date {
  return new Date(floorTo(ms, 'minute'));
}

/**
 * SQL for the start of the `step` bucket holding a timestamptz column, from the epoch
 * (`date_trunc` would follow the session's time zone for hours and days).
 */
export function bucketSql(column: RawBuilder<unknown>, step: MetricsStep): RawBuilder<Date> {
  const seconds = STEP_MS[step] / 1000;
  return sql<Date>`to_timestamp(floor(extract(epoch from ${column}) / ${sql.lit(seconds)}) * ${sql.lit(seconds)})`;
}
