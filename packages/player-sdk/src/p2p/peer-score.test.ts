import { describe, expect, it } from 'vitest';
import { PeerScore } from './peer-score.js';

describe('PeerScore', () => {
  it('starts unmeasured', () => {
    const score = new PeerScore();
    expect([score.speed, score.successes, score.failures]).toEqual([0, 0, 0]);
  });

  it('takes the first download’s speed as is, then smooths (30 % newest)', () => {
    const score = new PeerScore();
    score.recordSuccess(100_000, 100);
    expect(score.speed).toBe(1000);
    score.recordSuccess(100_000, 50);
    expect(score.speed).toBeCloseTo(1000 * 0.7 + 2000 * 0.3);
    expect(score.successes).toBe(2);
    expect(score.failures).toBe(0);
  });

  it('counts failures without touching the speed', () => {
    const score = new PeerScore();
    score.recordSuccess(1000, 10);
    score.recordFailure();
    score.recordFailure();
    expect(score.failures).toBe(2);
    expect(score.speed).toBe(100);
  });

  it('keeps a speed finite for a download faster than the clock resolution', () => {
    const score = new PeerScore();
    score.recordSuccess(64_000, 0);
    expect(score.speed).toBe(64_000);
  });

  it('orders faster first, then fewer failures, and ties at 0', () => {
    const fast = new PeerScore();
    fast.recordSuccess(1000, 1);
    fast.recordFailure();
    const slow = new PeerScore();
    slow.recordSuccess(1000, 10);
    const fresh = new PeerScore();
    const failing = new PeerScore();
    failing.recordFailure();
    const sorted = [failing, slow, fresh, fast].sort(PeerScore.compare);
    expect(sorted).toEqual([fast, slow, fresh, failing]);
    expect(PeerScore.compare(new PeerScore(), new PeerScore())).toBe(0);
  });
});
