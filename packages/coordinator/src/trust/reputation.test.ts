import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_COORDINATOR_CONFIG } from '../config/config.js';
import {
  maxReputationAt,
  REPUTATION_WEIGHTS,
  reputationOf,
  type ReputationFacts,
} from './reputation.js';

const HOUR = 3_600_000;
const NOW = 1_800_000_000_000;

function facts(overrides: Partial<ReputationFacts> = {}): ReputationFacts {
  return {
    firstSessionAt: NOW,
    liveMs: 0,
    challengesPassed: 0,
    challengesFailed: 0,
    challengesExpired: 0,
    receiverNetworks: 0,
    ...overrides,
  };
}

describe('reputation', () => {
  it('starts at 0 for a new viewer and for one without sessions', () => {
    expect(reputationOf(facts(), NOW).reputation).toBe(0);
    expect(reputationOf(facts({ firstSessionAt: undefined }), NOW)).toEqual({
      reputation: 0,
      parts: { uptime: 0, challenges: 0, diversity: 0, age: 0 },
    });
  });

  it('weights sum to 1', () => {
    const sum = Object.values(REPUTATION_WEIGHTS).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 10);
  });

  it('grows with each part: uptime, challenges, diversity, age', () => {
    const base = reputationOf(facts({ firstSessionAt: NOW - HOUR }), NOW);
    const more = (f: Partial<ReputationFacts>) =>
      reputationOf(facts({ firstSessionAt: NOW - HOUR, ...f }), NOW).reputation;
    expect(more({ liveMs: HOUR })).toBeGreaterThan(base.reputation);
    expect(more({ challengesPassed: 3 })).toBeGreaterThan(base.reputation);
    expect(more({ receiverNetworks: 2 })).toBeGreaterThan(base.reputation);
    expect(reputationOf(facts({ firstSessionAt: NOW - 2 * HOUR }), NOW).reputation).toBeGreaterThan(
      base.reputation,
    );
  });

  it('normalises each part as documented', () => {
    const { parts } = reputationOf(
      facts({
        firstSessionAt: NOW - 2 * HOUR,
        liveMs: 1 * HOUR,
        challengesPassed: 4,
        challengesFailed: 1,
        challengesExpired: 1,
        receiverNetworks: 2,
      }),
      NOW,
    );
    expect(parts).toEqual({ uptime: 0.5, challenges: 0.3333, diversity: 0.4, age: 0.5 });
    expect(reputationOf(facts({ firstSessionAt: NOW - HOUR, liveMs: HOUR }), NOW).reputation).toBe(
      0.2375,
    );
    expect(reputationOf(facts({ receiverNetworks: 50 }), NOW).parts.diversity).toBe(1);
  });

  it('never counts more uptime than age (parallel sessions do not help)', () => {
    const { parts } = reputationOf(facts({ firstSessionAt: NOW - HOUR, liveMs: 100 * HOUR }), NOW);
    expect(parts.uptime).toBe(0.5);
  });

  it('failed and expired challenges pull the challenges part down', () => {
    const clean = reputationOf(facts({ challengesPassed: 10 }), NOW).parts.challenges;
    const failed = reputationOf(facts({ challengesPassed: 10, challengesFailed: 2 }), NOW).parts
      .challenges;
    const expired = reputationOf(facts({ challengesPassed: 10, challengesExpired: 2 }), NOW).parts
      .challenges;
    expect(failed).toBeLessThan(clean);
    expect(expired).toBe(failed);
  });

  it('cannot reach the payable threshold within one hour of the first session, whatever it does', () => {
    const threshold = DEFAULT_COORDINATOR_CONFIG.payableReputation;
    expect(maxReputationAt(HOUR)).toBeLessThan(threshold);
    expect(maxReputationAt(HOUR)).toBeCloseTo(0.6375, 4);
    // The earliest a flawless viewer gets there: 1 h 16 min.
    expect(maxReputationAt(1.25 * HOUR)).toBeLessThan(threshold);
    expect(maxReputationAt(1.3 * HOUR)).toBeGreaterThanOrEqual(threshold);
  });

  it('never exceeds the most its age allows, and stays in 0..1, for any facts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 48 * HOUR }),
        fc.integer({ min: 0, max: 1000 * HOUR }),
        fc.nat(10_000),
        fc.nat(10_000),
        fc.nat(10_000),
        fc.nat(10_000),
        (ageMs, liveMs, passed, failed, expired, networks) => {
          const { reputation, parts } = reputationOf(
            facts({
              firstSessionAt: NOW - ageMs,
              liveMs,
              challengesPassed: passed,
              challengesFailed: failed,
              challengesExpired: expired,
              receiverNetworks: networks,
            }),
            NOW,
          );
          expect(reputation).toBeGreaterThanOrEqual(0);
          expect(reputation).toBeLessThanOrEqual(maxReputationAt(ageMs) + 1e-4);
          for (const part of Object.values(parts)) expect(part).toBeLessThanOrEqual(1);
          if (ageMs <= HOUR) expect(reputation).toBeLessThan(0.7);
        },
      ),
    );
  });

  it('lets an honest supporter past the threshold once it has grown', () => {
    const honest = reputationOf(
      facts({
        firstSessionAt: NOW - 12 * HOUR,
        liveMs: 8 * HOUR,
        challengesPassed: 5,
        receiverNetworks: 2,
      }),
      NOW,
    );
    expect(honest.reputation).toBeGreaterThanOrEqual(0.7);
  });
});
