import type { Timers } from './timers.js';

/**
 * Exponential backoff with "equal jitter": attempt n waits between half and all of
 * `min(maxMs, baseMs * 2^(n-1))`, so clients that failed together do not retry together.
 *
 * @example
 * backoffDelay(1, 1000, 30_000); // 500..1000
 * backoffDelay(10, 1000, 30_000); // 15000..30000
 */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return ceiling / 2 + random() * (ceiling / 2);
}

/** One pending retry at a time; each failure in a row waits longer ({@link backoffDelay}). */
export class RetryBackoff {
  /** Failures in a row. */
  failures = 0;
  private cancelRetry: (() => void) | undefined;

  constructor(
    private readonly timers: Timers,
    private readonly baseMs: number,
    private readonly maxMs: number,
  ) {}

  /** Whether a retry is scheduled. */
  get waiting(): boolean {
    return this.cancelRetry !== undefined;
  }

  /** Counts a failure and schedules `retry` after the backoff (at least `minDelayMs`). */
  failed(retry: () => void, minDelayMs = 0): void {
    this.failures += 1;
    this.cancel();
    const delay = Math.max(backoffDelay(this.failures, this.baseMs, this.maxMs), minDelayMs);
    this.cancelRetry = this.timers.after(delay, () => {
      this.cancelRetry = undefined;
      retry();
    });
  }

  succeeded(): void {
    this.failures = 0;
  }

  /** Drops the scheduled retry, if any. */
  cancel(): void {
    this.cancelRetry?.();
    this.cancelRetry = undefined;
  }
}
