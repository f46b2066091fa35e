/** Milliseconds since the epoch; injectable so tests move time without sleeping. */
export type Clock = () => number;

/** `clock()` as a Date, for timestamptz parameters. */
export function nowDate(clock: Clock, offsetMs = 0): Date {
  return new Date(clock() + offsetMs);
}
