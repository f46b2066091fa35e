/**
 * Timers that `close()` cancels all at once, so a component's `destroy()` leaves nothing
 * pending: sleeps resolve early, scheduled callbacks never run.
 */
export class Timers {
  private readonly wakers = new Set<() => void>();
  private readonly handles = new Set<ReturnType<typeof setTimeout>>();
  private closed = false;

  get isClosed(): boolean {
    return this.closed;
  }

  /** Resolves after `ms`, or at once when closed. */
  sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(handle);
        this.wakers.delete(wake);
        resolve();
      };
      const handle = setTimeout(wake, Math.max(0, ms));
      this.wakers.add(wake);
    });
  }

  /** Runs `callback` after `ms` unless closed first; returns a cancel function. */
  after(ms: number, callback: () => void): () => void {
    if (this.closed) return () => {};
    const handle = setTimeout(
      () => {
        this.handles.delete(handle);
        callback();
      },
      Math.max(0, ms),
    );
    this.handles.add(handle);
    return () => {
      clearTimeout(handle);
      this.handles.delete(handle);
    };
  }

  /** Waits for `promise` at most `ms`: true when it settled in time (its rejection is ignored). */
  async within(promise: Promise<unknown>, ms: number): Promise<boolean> {
    let settled = false;
    const tracked = promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    await Promise.race([tracked, this.sleep(ms)]);
    return settled;
  }

  close(): void {
    this.closed = true;
    for (const handle of this.handles) clearTimeout(handle);
    this.handles.clear();
    for (const wake of [...this.wakers]) wake();
  }
}
