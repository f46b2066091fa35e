import { describe, expect, it } from 'vitest';
import { EventRateLimiter, TokenBucket } from './rate-limiter.js';

describe('TokenBucket', () => {
  it('allows a burst of `capacity` events, then refuses', () => {
    const bucket = new TokenBucket(10, 5, 0);
    const taken = Array.from({ length: 8 }, () => bucket.take(0));
    expect(taken).toEqual([true, true, true, true, true, false, false, false]);
  });

  it('refills at the rate, never above capacity', () => {
    const bucket = new TokenBucket(10, 5, 0);
    for (let i = 0; i < 5; i++) bucket.take(0);
    expect(bucket.take(50)).toBe(false); // half a token
    expect(bucket.take(100)).toBe(true); // one token after 100 ms at 10/s
    expect(bucket.take(100)).toBe(false);
    // A long pause refills to capacity only.
    let allowed = 0;
    for (let i = 0; i < 20; i++) if (bucket.take(60_000)) allowed++;
    expect(allowed).toBe(5);
  });

  it('ignores a clock going backwards', () => {
    const bucket = new TokenBucket(10, 1, 1000);
    expect(bucket.take(1000)).toBe(true);
    expect(bucket.take(0)).toBe(false);
  });
});

describe('EventRateLimiter', () => {
  const options = { eventsPerSecond: 50, burst: 100, floodFactor: 10 };

  it('allows the burst, then limits', () => {
    const limiter = new EventRateLimiter(options, 0);
    const decisions = Array.from({ length: 120 }, () => limiter.take(0));
    expect(decisions.filter((d) => d === 'allow')).toHaveLength(100);
    expect(decisions.slice(100).every((d) => d === 'limit')).toBe(true);
  });

  it('sustains the rate over time', () => {
    const limiter = new EventRateLimiter(options, 0);
    let allowed = 0;
    // 10 seconds at 100 events/s (2x the limit): burst + 10 s x 50/s are allowed.
    for (let ms = 0; ms < 10_000; ms += 10) if (limiter.take(ms) === 'allow') allowed++;
    expect(allowed).toBeGreaterThanOrEqual(590);
    expect(allowed).toBeLessThanOrEqual(600);
  });

  it('reports a flood past eventsPerSecond x floodFactor attempts in one second', () => {
    const limiter = new EventRateLimiter(options, 0);
    const decisions = Array.from({ length: 501 }, (_, i) => limiter.take(i));
    expect(decisions.slice(0, 500)).not.toContain('flood');
    expect(decisions[500]).toBe('flood');
  });

  it('does not call a steady over-limit client a flood', () => {
    const limiter = new EventRateLimiter(options, 0);
    // 400 events/s for 5 s: limited, but under 10x.
    const decisions = Array.from({ length: 2000 }, (_, i) => limiter.take(i * 2.5));
    expect(decisions).not.toContain('flood');
    expect(decisions).toContain('limit');
  });
});
