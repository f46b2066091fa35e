/**
 * The run's clock. Until the fast-forward starts it is the wall clock; from then on it runs
 * `speed` times faster, so an hour of reputation growth takes a minute. The coordinator gets it
 * as its `clock` option; honest viewer processes install the same schedule as `Date.now`, so
 * their receipts, heartbeats and token expiries stay consistent with the coordinator's time.
 * It is plain data (two numbers) so it can cross process boundaries.
 */
export interface ClockSchedule {
  /** Wall time (ms) when the fast-forward started; undefined while it runs at wall speed. */
  fastForwardFrom: number | undefined;
  /** Simulated seconds per wall second during the fast-forward. */
  speed: number;
}

/** Simulated time for wall time `wall` under `schedule`. */
export function simulatedNow(schedule: ClockSchedule, wall: number): number {
  const from = schedule.fastForwardFrom;
  return from === undefined || wall <= from ? wall : wall + (wall - from) * (schedule.speed - 1);
}

/** The clock of the process that owns the run (and of the coordinator in it). */
export class SimClock {
  readonly schedule: ClockSchedule;

  constructor(speed: number) {
    this.schedule = { fastForwardFrom: undefined, speed };
  }

  /** Simulated milliseconds since the epoch. */
  readonly now = (): number => simulatedNow(this.schedule, Date.now());

  /** Starts running `speed` times faster than the wall clock (once). */
  fastForward(): ClockSchedule {
    this.schedule.fastForwardFrom ??= Date.now();
    return { ...this.schedule };
  }

  /** Resolves once the simulated clock reaches `simulatedMs`. */
  async until(simulatedMs: number, signal?: AbortSignal): Promise<void> {
    while (this.now() < simulatedMs && !signal?.aborted) {
      const speed = this.schedule.fastForwardFrom === undefined ? 1 : this.schedule.speed;
      const wait = Math.min(1000, Math.max(10, (simulatedMs - this.now()) / speed));
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
