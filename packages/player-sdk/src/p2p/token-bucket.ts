/**
 * A token bucket: `ratePerSecond` tokens refill continuously up to `capacity`.
 * The upload limiter spends one token per byte sent.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private ratePerSecond: number,
    private capacity: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    checkRate(ratePerSecond, capacity);
    this.tokens = capacity;
    this.updatedAt = now();
  }

  /**
   * Changes the rate and capacity from now on (a viewer changing its upload cap): tokens earned
   * at the old rate stay, up to the new capacity, so a lower cap takes effect at once.
   */
  setRate(ratePerSecond: number, capacity: number): void {
    checkRate(ratePerSecond, capacity);
    this.refill();
    this.ratePerSecond = ratePerSecond;
    this.capacity = capacity;
    this.tokens = Math.min(this.tokens, capacity);
  }

  private refill(): void {
    const at = this.now();
    this.tokens = Math.min(
      this.capacity,
      this.tokens + ((at - this.updatedAt) / 1000) * this.ratePerSecond,
    );
    this.updatedAt = at;
  }

  /** Takes `amount` tokens if they are there; returns whether it did. */
  tryTake(amount: number): boolean {
    this.refill();
    if (this.tokens < amount) return false;
    this.tokens -= amount;
    return true;
  }

  /** Milliseconds until `amount` tokens will be there (0 when they are). */
  waitTimeMs(amount: number): number {
    this.refill();
    const missing = Math.min(amount, this.capacity) - this.tokens;
    return missing <= 0 ? 0 : (missing / this.ratePerSecond) * 1000;
  }

  /**
   * Takes `amount` tokens, waiting for them as long as needed. Amounts larger than the
   * capacity are taken in capacity-sized steps so a large chunk cannot starve forever.
   */
  async take(amount: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    let left = amount;
    while (left > 0) {
      const step = Math.min(left, this.capacity);
      while (!this.tryTake(step)) {
        await sleep(Math.max(1, this.waitTimeMs(step)), signal);
      }
      left -= step;
    }
  }
}

function checkRate(ratePerSecond: number, capacity: number): void {
  if (!(ratePerSecond > 0) || !(capacity > 0)) {
    throw new RangeError('TokenBucket rate and capacity must be positive');
  }
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
