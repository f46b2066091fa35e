import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveCoordinatorConfig } from '../config/config.js';
import { earningsOf, type EarningsInput } from './earnings.js';
import { chunksOf, economicsPolicy } from './policy.js';

const DAY = 86_400_000;
const policy = economicsPolicy(resolveCoordinatorConfig());
const FULL = { uptime: 1, latency: 1, success: 1, diversity: 1, age: 1 };

function input(overrides: Partial<EarningsInput> = {}): EarningsInput {
  return {
    chunks: 10_000,
    reputation: 0.8,
    parts: FULL,
    accountAgeMs: 0,
    earnedThisMonthMicros: 0,
    ...overrides,
  };
}

describe('economics policy', () => {
  it('takes the config defaults: 15% fee, 20% pool, half the CDN saving, $0.05/GB', () => {
    expect(policy).toEqual({
      currency: 'usd',
      platformFeeBps: 1500,
      supporterPoolBps: 2000,
      p2pRebateBps: 5000,
      cdnCostMicrosPerGb: 50_000,
      earningsMicrosPerKiloChunk: 500,
      uptimeBonusMax: 0.2,
      qosMinMultiplier: 0.5,
      monthlyCapNewMicros: 10_000_000,
      monthlyCapMatureMicros: 100_000_000,
      capFullAgeDays: 90,
      payableReputation: 0.7,
    });
  });

  it('counts the chunks of a receipt as whole 16 KiB leaves, a partial last one included', () => {
    expect([0, 1, 16_384, 16_385, 40_000].map(chunksOf)).toEqual([0, 1, 1, 2, 3]);
    expect(() => chunksOf(-1)).toThrow(RangeError);
    expect(() => chunksOf(1.5)).toThrow(/non-negative safe integer/);
  });
});

describe('earningsOf', () => {
  it('pays the base rate with the full uptime bonus and QoS at their best', () => {
    // 10,000 chunks x 500 / 1000 = 5000; x (1 + 0.2) x 1.
    expect(earningsOf(input(), policy)).toEqual({
      baseMicros: 5000,
      uptimeBonus: 0.2,
      qosMultiplier: 1,
      referralBoost: 0,
      capMicros: 8_000_000,
      earningsMicros: 6000,
      capped: false,
    });
  });

  it('adds a supporter-referral boost under the monthly cap', () => {
    // 5000 x 1.2 x 1 x 1.1 = 6600.
    const boosted = earningsOf({ ...input(), referralBoost: 0.1 }, policy);
    expect(boosted).toMatchObject({ referralBoost: 0.1, earningsMicros: 6600, capped: false });
    const nearCap = { ...input(), referralBoost: 0.1, earnedThisMonthMicros: 8_000_000 - 6100 };
    expect(earningsOf(nearCap, policy)).toMatchObject({ earningsMicros: 6100, capped: true });
    expect(() => earningsOf({ ...input(), referralBoost: 2 }, policy)).toThrow(RangeError);
  });

  it('scales with the uptime bonus and the QoS multiplier from latency and success', () => {
    const parts = { uptime: 0.5, latency: 0.6, success: 0.4, diversity: 0, age: 1 };
    // bonus 0.2 x 0.5 = 0.1; QoS 0.5 + 0.5 x (0.6 + 0.4) / 2 = 0.75; 5000 x 1.1 x 0.75 = 4125.
    expect(earningsOf(input({ parts }), policy)).toMatchObject({
      uptimeBonus: 0.1,
      qosMultiplier: 0.75,
      earningsMicros: 4125,
    });
    const worst = { uptime: 0, latency: 0, success: 0, diversity: 0, age: 1 };
    expect(earningsOf(input({ parts: worst }), policy).earningsMicros).toBe(2500);
  });

  it('floors: under a kilo-chunk at a low rate earns nothing', () => {
    expect(earningsOf(input({ chunks: 1 }), policy).earningsMicros).toBe(0);
    expect(earningsOf(input({ chunks: 3 }), policy)).toMatchObject({ baseMicros: 1 });
    expect(earningsOf(input({ chunks: 0 }), policy)).toMatchObject({ earningsMicros: 0 });
  });

  it('caps a month by account age and reputation, counting what was earned already', () => {
    // Cap at 45 days: (10M + 90M x 0.5) x 0.7 = 38.5M.
    const halfway = input({ reputation: 0.7, accountAgeMs: 45 * DAY });
    expect(earningsOf(halfway, policy).capMicros).toBe(38_500_000);
    expect(earningsOf({ ...halfway, earnedThisMonthMicros: 38_499_000 }, policy)).toMatchObject({
      capMicros: 38_500_000,
      earningsMicros: 1000,
      capped: true,
    });
    expect(earningsOf({ ...halfway, earnedThisMonthMicros: 50_000_000 }, policy)).toMatchObject({
      earningsMicros: 0,
      capped: true,
    });
    expect(earningsOf(input({ reputation: 1, accountAgeMs: 400 * DAY }), policy).capMicros).toBe(
      100_000_000,
    );
    expect(earningsOf(input({ reputation: 0 }), policy)).toMatchObject({
      capMicros: 0,
      earningsMicros: 0,
      capped: true,
    });
    expect(earningsOf(input({ reputation: 1 }), { ...policy, capFullAgeDays: 0 }).capMicros).toBe(
      100_000_000,
    );
  });

  it('keeps huge counts exact (BigInt) and refuses what overflows', () => {
    const most = Number.MAX_SAFE_INTEGER;
    // floor((2^53 - 1) x 500 / 1000), which a float product would round.
    expect(earningsOf(input({ chunks: most }), policy).baseMicros).toBe(4_503_599_627_370_495);
    expect(() =>
      earningsOf(input({ chunks: most }), { ...policy, earningsMicrosPerKiloChunk: 1_000_000 }),
    ).toThrow(RangeError);
  });

  it('rejects bad input with a RangeError naming the field', () => {
    expect(() => earningsOf(input({ chunks: -1 }), policy)).toThrow(/chunks/);
    expect(() => earningsOf(input({ chunks: 2.5 }), policy)).toThrow(/chunks/);
    expect(() => earningsOf(input({ reputation: 1.5 }), policy)).toThrow(/reputation/);
    expect(() => earningsOf(input({ parts: { ...FULL, latency: Number.NaN } }), policy)).toThrow(
      /parts.latency/,
    );
    expect(() => earningsOf(input({ accountAgeMs: -5 }), policy)).toThrow(/accountAgeMs/);
    expect(() => earningsOf(input({ earnedThisMonthMicros: -1 }), policy)).toThrow(
      /earnedThisMonthMicros/,
    );
  });

  it('never pays past the monthly allowance, and more chunks never earn less', () => {
    const part = fc.double({ min: 0, max: 1, noNaN: true });
    fc.assert(
      fc.property(
        fc.nat(1_000_000_000),
        fc.nat(1_000_000),
        part,
        fc.record({ uptime: part, latency: part, success: part, diversity: part, age: part }),
        fc.nat(1000 * DAY),
        fc.nat(200_000_000),
        (chunks, more, reputation, parts, accountAgeMs, earnedThisMonthMicros) => {
          const one = { chunks, reputation, parts, accountAgeMs, earnedThisMonthMicros };
          const e = earningsOf(one, policy);
          expect(Number.isSafeInteger(e.earningsMicros)).toBe(true);
          expect(e.earningsMicros).toBeGreaterThanOrEqual(0);
          expect(e.earningsMicros).toBeLessThanOrEqual(
            Math.max(0, e.capMicros - earnedThisMonthMicros),
          );
          expect(e.capMicros).toBeLessThanOrEqual(policy.monthlyCapMatureMicros);
          const bigger = earningsOf({ ...one, chunks: chunks + more }, policy);
          expect(bigger.earningsMicros).toBeGreaterThanOrEqual(e.earningsMicros);
        },
      ),
    );
  });
});
