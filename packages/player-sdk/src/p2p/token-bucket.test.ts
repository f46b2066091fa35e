import { afterEach, describe, expect, it, vi } from 'vitest';
import { sleep, TokenBucket } from './token-bucket.js';

/** A clock the test moves by hand. */
function manualClock(start = 0) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('TokenBucket', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts full and spends what it gives', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(1000, 500, clock.now);
    expect(bucket.tryTake(500)).toBe(true);
    expect(bucket.tryTake(1)).toBe(false);
  });

  it('refuses a take it cannot cover and keeps its tokens', () => {
    const bucket = new TokenBucket(1000, 500, manualClock().now);
    expect(bucket.tryTake(501)).toBe(false);
    expect(bucket.tryTake(500)).toBe(true);
  });

  it('refills at ratePerSecond', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(1000, 2000, clock.now);
    expect(bucket.tryTake(2000)).toBe(true);
    clock.advance(250);
    expect(bucket.tryTake(251)).toBe(false);
    expect(bucket.tryTake(250)).toBe(true);
    expect(bucket.tryTake(1)).toBe(false);
    clock.advance(1500);
    expect(bucket.tryTake(1500)).toBe(true);
    expect(bucket.tryTake(1)).toBe(false);
  });

  it('never holds more than its capacity', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(1000, 300, clock.now);
    clock.advance(3_600_000);
    expect(bucket.tryTake(300)).toBe(true);
    expect(bucket.tryTake(1)).toBe(false);
  });

  it('setRate: a lower cap takes effect at once, the new rate refills from then on', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(1000, 1000, clock.now);
    clock.advance(500);
    bucket.setRate(100, 200);
    // Tokens above the new capacity are gone.
    expect(bucket.tryTake(201)).toBe(false);
    expect(bucket.tryTake(200)).toBe(true);
    clock.advance(1000);
    expect(bucket.tryTake(101)).toBe(false);
    expect(bucket.tryTake(100)).toBe(true);
    expect(() => bucket.setRate(0, 10)).toThrow(RangeError);
  });

  it('waitTimeMs tells how long until an amount is there', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(1000, 1000, clock.now);
    expect(bucket.waitTimeMs(1000)).toBe(0);
    bucket.tryTake(1000);
    expect(bucket.waitTimeMs(250)).toBe(250);
    clock.advance(100);
    expect(bucket.waitTimeMs(250)).toBe(150);
    clock.advance(150);
    expect(bucket.waitTimeMs(250)).toBe(0);
    // Looking does not spend: the tokens are still there.
    expect(bucket.tryTake(250)).toBe(true);
  });

  it('waitTimeMs of more than the capacity is the time to fill up (no infinite wait)', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(1000, 1000, clock.now);
    bucket.tryTake(1000);
    expect(bucket.waitTimeMs(5000)).toBe(1000);
  });

  it('rejects a rate or capacity that is not positive', () => {
    for (const [rate, capacity] of [
      [0, 10],
      [-1, 10],
      [Number.NaN, 10],
      [10, 0],
      [10, -5],
      [10, Number.NaN],
    ] as const) {
      expect(() => new TokenBucket(rate, capacity)).toThrow(RangeError);
    }
  });

  it('take() waits for its tokens', async () => {
    vi.useFakeTimers({ now: 0 });
    const bucket = new TokenBucket(1000, 1000, () => Date.now());
    bucket.tryTake(1000);
    let done = false;
    const taken = bucket.take(400).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(399);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(2);
    await taken;
    expect(done).toBe(true);
    // The 400 were spent: only what refilled since (a ms or two) is left.
    expect(bucket.tryTake(50)).toBe(false);
  });

  it('take() of more than the capacity goes in capacity-sized steps and ends', async () => {
    vi.useFakeTimers({ now: 0 });
    const bucket = new TokenBucket(1000, 1000, () => Date.now());
    // Full (1000) now, 1000 more after 1 s, the last 500 after another 0.5 s.
    let doneAt: number | undefined;
    const taken = bucket.take(2500).then(() => (doneAt = Date.now()));
    await vi.advanceTimersByTimeAsync(1490);
    expect(doneAt).toBeUndefined();
    await vi.advanceTimersByTimeAsync(100);
    await taken;
    expect(doneAt).toBeGreaterThanOrEqual(1500);
    expect(doneAt).toBeLessThanOrEqual(1510);
    // Every token of the 2500 was spent: only what refilled since (< 100 ms) is left.
    expect(bucket.tryTake(200)).toBe(false);
  });

  it('take() rejects with the abort reason when its signal aborts while waiting', async () => {
    vi.useFakeTimers({ now: 0 });
    const bucket = new TokenBucket(1000, 1000, () => Date.now());
    bucket.tryTake(1000);
    const controller = new AbortController();
    const taken = bucket.take(800, controller.signal);
    const outcome = taken.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await vi.advanceTimersByTimeAsync(100);
    const reason = new Error('stop');
    controller.abort(reason);
    expect(await outcome).toBe(reason);
    // No timer is left behind by the aborted wait.
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('sleep', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves after ms', async () => {
    vi.useFakeTimers({ now: 0 });
    let done = false;
    const slept = sleep(50).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(49);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await slept;
    expect(done).toBe(true);
  });

  it('rejects at once with the reason of an already aborted signal', async () => {
    const reason = new Error('already');
    await expect(sleep(10_000, AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  it('rejects with the reason when the signal aborts first, and clears its timer', async () => {
    vi.useFakeTimers({ now: 0 });
    const controller = new AbortController();
    const slept = sleep(10_000, controller.signal);
    const reason = new Error('later');
    controller.abort(reason);
    await expect(slept).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });
});
