import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_COORDINATOR_CONFIG } from '../config/config.js';
import {
  latencyPart,
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
    receiptsVerified: 0,
    deliveryMedianMs: undefined,
    receiverNetworks: 0,
    ...overrides,
  };
}

describe('reputation', () => {
  it('starts at 0 for a new viewer and for one without sessions', () => {
    expect(reputationOf(facts(), NOW).reputation).toBe(0);
    expect(reputationOf(facts({ firstSessionAt: undefined }), NOW)).toEqual({
      reputation: 0,
      parts: { uptime: 0, latency: 0, success: 0, diversity: 0, age: 0 },
    });
  });

  it('weights sum to 1', () => {
    const sum = Object.values(REPUTATION_WEIGHTS).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 10);
  });

  it('grows with each part: uptime, latency, success, diversity, age', () => {
    const grown = { firstSessionAt: NOW - HOUR, liveMs: HOUR / 2 };
    const base = reputationOf(facts(grown), NOW).reputation;
    const more = (f: Partial<ReputationFacts>) =>
      reputationOf(facts({ ...grown, ...f }), NOW).reputation;
    expect(base).toBeGreaterThan(0);
    expect(more({ liveMs: HOUR })).toBeGreaterThan(base);
    expect(more({ deliveryMedianMs: 2000 })).toBeGreaterThan(base);
    expect(more({ challengesPassed: 3 })).toBeGreaterThan(base);
    expect(more({ receiptsVerified: 300 })).toBeGreaterThan(base);
    expect(more({ receiverNetworks: 2 })).toBeGreaterThan(base);
    expect(more({ firstSessionAt: NOW - 2 * HOUR })).toBeGreaterThan(base);
  });

  it('normalises each part as documented', () => {
    const { parts, reputation } = reputationOf(
      facts({
        firstSessionAt: NOW - 1.5 * HOUR,
        liveMs: 1 * HOUR,
        challengesPassed: 4,
        challengesFailed: 1,
        challengesExpired: 1,
        receiptsVerified: 200,
        deliveryMedianMs: 1400,
        receiverNetworks: 2,
      }),
      NOW,
    );
    // success: (4 + 200/100) / (6 + 3 x 2 + 2) = 6/14; latency: (5000 - 1400) / 4500.
    expect(parts).toEqual({
      uptime: 0.5,
      latency: 0.8,
      success: 0.4286,
      diversity: 0.4,
      age: 0.75,
    });
    // 0.75 x (0.3 x 0.5 + 0.25 x 0.8 + 0.25 x 0.4286 + 0.2 x 0.4) = 0.75 x 0.53715
    expect(reputation).toBe(0.4029);
    expect(reputationOf(facts({ firstSessionAt: NOW - HOUR, liveMs: HOUR }), NOW).reputation).toBe(
      0.075,
    );
    expect(reputationOf(facts({ receiverNetworks: 50 }), NOW).parts.diversity).toBe(1);
  });

  it('maps the median delivery time linearly from 1 at 500 ms to 0 at 5 s; none is 0', () => {
    expect(latencyPart(undefined)).toBe(0);
    expect(latencyPart(0)).toBe(1);
    expect(latencyPart(500)).toBe(1);
    expect(latencyPart(2750)).toBe(0.5);
    expect(latencyPart(5000)).toBe(0);
    expect(latencyPart(60_000)).toBe(0);
  });

  it('never counts more uptime than age (parallel sessions do not help)', () => {
    const { parts } = reputationOf(facts({ firstSessionAt: NOW - HOUR, liveMs: 100 * HOUR }), NOW);
    expect(parts.uptime).toBe(0.5);
  });

  it('failed and expired challenges pull the success part down; deliveries count 1/100 of a pass', () => {
    const success = (f: Partial<ReputationFacts>) => reputationOf(facts(f), NOW).parts.success;
    const clean = success({ challengesPassed: 10 });
    expect(success({ challengesPassed: 10, challengesFailed: 2 })).toBeLessThan(clean);
    expect(success({ challengesPassed: 10, challengesExpired: 2 })).toBe(
      success({ challengesPassed: 10, challengesFailed: 2 }),
    );
    expect(success({ receiptsVerified: 1000 })).toBe(clean);
    expect(success({ receiptsVerified: 200 })).toBe(0.5);
  });

  it('cannot reach the payable threshold within one hour of the first session, whatever it does', () => {
    const threshold = DEFAULT_COORDINATOR_CONFIG.payableReputation;
    expect(maxReputationAt(HOUR)).toBeLessThan(threshold);
    // Maturity 0.5 x the best quality with half an uptime part (0.3 x 0.5 + 0.7).
    expect(maxReputationAt(HOUR)).toBeCloseTo(0.425, 4);
    // The earliest a flawless viewer gets there: 1 h 31 min.
    expect(maxReputationAt(90 * 60_000)).toBeLessThan(threshold);
    expect(maxReputationAt(91 * 60_000)).toBeGreaterThanOrEqual(threshold);
    expect(maxReputationAt(2 * HOUR)).toBe(1);
  });

  it('never exceeds the most its age allows, and stays in 0..1, for any facts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 48 * HOUR }),
        fc.integer({ min: 0, max: 1000 * HOUR }),
        fc.nat(10_000),
        fc.nat(10_000),
        fc.nat(10_000),
        fc.nat(10_000_000),
        fc.option(fc.nat(100_000), { nil: undefined }),
        fc.nat(10_000),
        (ageMs, liveMs, passed, failed, expired, verified, median, networks) => {
          const { reputation, parts } = reputationOf(
            facts({
              firstSessionAt: NOW - ageMs,
              liveMs,
              challengesPassed: passed,
              challengesFailed: failed,
              challengesExpired: expired,
              receiptsVerified: verified,
              deliveryMedianMs: median,
              receiverNetworks: networks,
            }),
            NOW,
          );
          expect(reputation).toBeGreaterThanOrEqual(0);
          expect(reputation).toBeLessThanOrEqual(maxReputationAt(ageMs) + 1e-4);
          for (const part of Object.values(parts)) {
            expect(part).toBeGreaterThanOrEqual(0);
            expect(part).toBeLessThanOrEqual(1);
          }
          if (ageMs <= HOUR) expect(reputation).toBeLessThanOrEqual(0.425);
        },
      ),
    );
  });

  it('lets an honest supporter past the threshold once it has grown, not before 1 h 50 min', () => {
    // The header's example: deliveries at a 1.5 s median, 5 passes and 500 deliveries, 2 networks.
    const honest = (ageMs: number) =>
      reputationOf(
        facts({
          firstSessionAt: NOW - ageMs,
          liveMs: ageMs,
          challengesPassed: 5,
          receiptsVerified: 500,
          deliveryMedianMs: 1500,
          receiverNetworks: 2,
        }),
        NOW,
      ).reputation;
    expect(honest(110 * 60_000)).toBeLessThan(0.7);
    expect(honest(111 * 60_000)).toBeGreaterThanOrEqual(0.7);
    expect(honest(12 * HOUR)).toBeCloseTo(0.7828, 3);
  });
});
