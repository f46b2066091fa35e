import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_COORDINATOR_CONFIG } from '../config/config.js';
import { dailyCaps, pointsStatus, watchCredit, type WatchState } from './points-rules.js';

const fresh = { watchedUntilMs: undefined, acceptedMs: 0 };

describe('watchCredit', () => {
  it('accepts a heartbeat from where the viewer got to (or its session start) up to now', () => {
    expect(watchCredit({ ...fresh, sessionStartMs: 0, nowMs: 60_000, claimedMs: 600_000 })).toEqual(
      { acceptedMs: 60_000, minutes: 1, watchedUntilMs: 60_000 },
    );
    expect(
      watchCredit({
        sessionStartMs: 0,
        nowMs: 60_000,
        watchedUntilMs: 60_000,
        acceptedMs: 60_000,
        claimedMs: 60_000,
      }),
    ).toEqual({ acceptedMs: 0, minutes: 0, watchedUntilMs: 60_000 });
  });

  it('shares one budget between the sessions of a viewer', () => {
    // A second session that started 30 s later adds nothing the first already covered.
    const state = { watchedUntilMs: 60_000, acceptedMs: 60_000, nowMs: 90_000, claimedMs: 60_000 };
    expect(watchCredit({ ...state, sessionStartMs: 30_000 })).toEqual({
      acceptedMs: 30_000,
      minutes: 0,
      watchedUntilMs: 90_000,
    });
    // A session that starts after a gap starts its budget at its own start.
    expect(watchCredit({ ...state, sessionStartMs: 80_000 })).toEqual({
      acceptedMs: 10_000,
      minutes: 0,
      watchedUntilMs: 90_000,
    });
  });

  it('carries sub-minute remainders', () => {
    expect(watchCredit({ ...fresh, sessionStartMs: 0, nowMs: 30_000, claimedMs: 30_000 })).toEqual({
      acceptedMs: 30_000,
      minutes: 0,
      watchedUntilMs: 30_000,
    });
    expect(
      watchCredit({
        sessionStartMs: 0,
        nowMs: 60_000,
        watchedUntilMs: 30_000,
        acceptedMs: 30_000,
        claimedMs: 30_000,
      }),
    ).toEqual({ acceptedMs: 30_000, minutes: 1, watchedUntilMs: 60_000 });
    expect(
      watchCredit({
        sessionStartMs: 0,
        nowMs: 100_000,
        watchedUntilMs: 59_000,
        acceptedMs: 59_000,
        claimedMs: 2_000,
      }),
    ).toEqual({ acceptedMs: 2_000, minutes: 1, watchedUntilMs: 61_000 });
  });

  it('never goes negative (clock behind the session start, negative claims)', () => {
    expect(
      watchCredit({ ...fresh, sessionStartMs: 10_000, nowMs: 0, claimedMs: 60_000 }),
    ).toMatchObject({ acceptedMs: 0, minutes: 0 });
    expect(watchCredit({ ...fresh, sessionStartMs: 0, nowMs: 60_000, claimedMs: -5 })).toEqual({
      acceptedMs: 0,
      minutes: 0,
      watchedUntilMs: undefined,
    });
  });

  it('never pays more than the wall clock since the first session, however heartbeats interleave', () => {
    const beat = fc.record({
      session: fc.nat(9),
      advanceMs: fc.nat(120_000),
      claimedMs: fc.integer({ min: -1000, max: 3_600_000 }),
    });
    const starts = fc.array(fc.nat(600_000), { minLength: 10, maxLength: 10 });
    fc.assert(
      fc.property(starts, fc.array(beat, { maxLength: 200 }), (startOffsets, beats) => {
        let nowMs = 1_000_000;
        const sessionStarts = startOffsets.map((o) => nowMs + o);
        const first = Math.min(...sessionStarts);
        let state: Omit<WatchState, 'sessionStartMs' | 'nowMs' | 'claimedMs'> = fresh;
        let minutes = 0;
        for (const b of beats) {
          nowMs += b.advanceMs;
          const sessionStartMs = sessionStarts[b.session]!;
          if (sessionStartMs > nowMs) continue; // not created yet
          const credit = watchCredit({ ...state, sessionStartMs, nowMs, claimedMs: b.claimedMs });
          state = {
            watchedUntilMs: credit.watchedUntilMs,
            acceptedMs: state.acceptedMs + credit.acceptedMs,
          };
          minutes += credit.minutes;
          expect(state.acceptedMs).toBeLessThanOrEqual(Math.max(0, nowMs - first));
        }
        expect(minutes).toBe(Math.floor(state.acceptedMs / 60_000));
      }),
    );
  });
});

describe('dailyCaps', () => {
  it('caps chat, follow and share per viewer and per address, not watch time', () => {
    expect(dailyCaps(DEFAULT_COORDINATOR_CONFIG, 'chat_message')).toEqual({
      viewer: 100,
      address: 500,
    });
    expect(dailyCaps(DEFAULT_COORDINATOR_CONFIG, 'follow_streamer')).toEqual({
      viewer: 20,
      address: 100,
    });
    expect(dailyCaps(DEFAULT_COORDINATOR_CONFIG, 'share_stream')).toEqual({
      viewer: 10,
      address: 50,
    });
    expect(dailyCaps(DEFAULT_COORDINATOR_CONFIG, 'watch_time')).toBeUndefined();
    expect(
      dailyCaps({ ...DEFAULT_COORDINATOR_CONFIG, pointsAddressCapFactor: 0 }, 'chat_message'),
    ).toEqual({ viewer: 100, address: 0 });
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
