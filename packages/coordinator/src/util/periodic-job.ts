/**
 * A job that runs every `intervalMs` (never two runs at once: a run asked for while one is in
 * flight waits for it) and on demand, and stops cleanly. A scheduled run that fails is reported
 * to `onError` and the next is scheduled anyway; a run asked for by a caller rejects to it.
 *
 * @example
 * const job = new PeriodicJob({ intervalMs: 60_000, run: () => work(), onError: log });
 * job.start();
 * await job.run(); // now, after a run in flight
 * await job.close();
 */
export interface PeriodicJobOptions<T> {
  /** Time between scheduled runs; 0 = only on demand. */
  intervalMs: number;
  /** One run; `scheduled` is false when a caller asked for it. */
  run: (scheduled: boolean) => Promise<T>;
  /** A scheduled run failed. */
  onError: (error: Error) => void;
}

export class PeriodicJob<T> {
  #timer: NodeJS.Timeout | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(private readonly options: PeriodicJobOptions<T>) {}

  /** Schedules the runs (nothing when the interval is 0). */
  start(): void {
    if (this.#closed || this.#timer !== undefined) return;
    this.#schedule();
  }

  /** Runs now, after a run in flight. Rejects on failure. */
  run(): Promise<T> {
    return this.#enqueue(() => this.options.run(false));
  }

  /** Stops the timer and waits for a run in flight. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#queue.catch(() => undefined);
  }

  #schedule(): void {
    if (this.#closed || this.options.intervalMs === 0) return;
    this.#timer = setTimeout(() => {
      this.#enqueue(() => this.options.run(true)).then(
        () => this.#schedule(),
        (error: Error) => {
          this.options.onError(error);
          this.#schedule();
        },
      );
    }, this.options.intervalMs);
    this.#timer.unref();
  }

  #enqueue<R>(task: () => Promise<R>): Promise<R> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
