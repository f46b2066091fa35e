import { describe, expect, it } from 'vitest';
import { pointsStatus, watchCredit } from './points-rules.js';

describe('watchCredit', () => {
  it('accepts a heartbeat up to the session age minus what was accepted', () => {
    expect(
      watchCredit({ sessionStartMs: 0, nowMs: 60_000, acceptedMs: 0, claimedMs: 600_000 }),
    ).toEqual({ acceptedMs: 60_000, minutes: 1 });
    expect(
      watchCredit({ sessionStartMs: 0, nowMs: 60_000, acceptedMs: 60_000, claimedMs: 60_000 }),
    ).toEqual({ acceptedMs: 0, minutes: 0 });
  });

  it('carries sub-minute remainders', () => {
    expect(
      watchCredit({ sessionStartMs: 0, nowMs: 30_000, acceptedMs: 0, claimedMs: 30_000 }),
    ).toEqual({ acceptedMs: 30_000, minutes: 0 });
    expect(
      watchCredit({ sessionStartMs: 0, nowMs: 60_000, acceptedMs: 30_000, claimedMs: 30_000 }),
    ).toEqual({ acceptedMs: 30_000, minutes: 1 });
    expect(
      watchCredit({ sessionStartMs: 0, nowMs: 100_000, acceptedMs: 59_000, claimedMs: 2_000 }),
    ).toEqual({ acceptedMs: 2_000, minutes: 1 });
  });

  it('never goes negative (clock behind the session start, negative claims)', () => {
    expect(
      watchCredit({ sessionStartMs: 10_000, nowMs: 0, acceptedMs: 0, claimedMs: 60_000 }),
    ).toEqual({ acceptedMs: 0, minutes: 0 });
    expect(watchCredit({ sessionStartMs: 0, nowMs: 60_000, acceptedMs: 0, claimedMs: -5 })).toEqual(
      { acceptedMs: 0, minutes: 0 },
    );
  });
});

describe('pointsStatus', () => {
  it('prompts for an account at 100 and makes VIPs at 1000', () => {
    expect([0, 99, 100, 999, 1000, 5000].map(pointsStatus)).toEqual([
      'none',
      'none',
      'account_prompt',
      'account_prompt',
      'vip',
      'vip',
    ]);
  });
});
