/** What {@link EventRateLimiter.take} decides for one inbound event. */
export type RateDecision = 'allow' | 'limit' | 'flood';

/** Settings of an {@link EventRateLimiter}. */
export interface RateLimitOptions {
  /** Sustained events per second. */
  eventsPerSecond: number;
  /** Events allowed at once after a quiet period (bucket capacity). */
  burst: number;
  /** A socket that attempts more than `eventsPerSecond * floodFactor` events within one second is flooding. */
  floodFactor: number;
}

/**
 * A token bucket: `burst` tokens, refilled at `ratePerSecond`. Time is passed
 * in (milliseconds) so tests need no clock and no timers are kept.
 */
export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  constructor(
    readonly ratePerSecond: number,
    readonly capacity: number,
    now: number,
  ) {
    this.#tokens = capacity;
    this.#updatedAt = now;
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.#updatedAt);
    this.#tokens = Math.min(this.capacity, this.#tokens + (elapsed * this.ratePerSecond) / 1000);
    this.#updatedAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/**
 * Per-socket event limiter: a token bucket for the rate, plus a one-second
 * window counting every attempt so a client that keeps flooding far past the
 * limit can be disconnected instead of answered event by event.
 *
 * @example
 * const limiter = new EventRateLimiter({ eventsPerSecond: 50, burst: 100, floodFactor: 10 }, Date.now());
 * if (limiter.take(Date.now()) !== 'allow') rejectEvent();
 */
export class EventRateLimiter {
  readonly #bucket: TokenBucket;
  readonly #floodThreshold: number;
  #windowStart: number;
  #attempts = 0;

  constructor(options: RateLimitOptions, now: number) {
    this.#bucket = new TokenBucket(options.eventsPerSecond, options.burst, now);
    this.#floodThreshold = options.eventsPerSecond * options.floodFactor;
    this.#windowStart = now;
  }

  take(now: number): RateDecision {
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#attempts = 0;
    }
    this.#attempts++;
    if (this.#attempts > this.#floodThreshold) return 'flood';
    return this.#bucket.take(now) ? 'allow' : 'limit';
  }
}
