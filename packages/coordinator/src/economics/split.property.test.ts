import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveCoordinatorConfig } from '../config/config.js';
import { economicsPolicy, type EconomicsPolicy } from './policy.js';
import { splitRevenue } from './split.js';

const defaults = economicsPolicy(resolveCoordinatorConfig());
const bps = fc.integer({ min: 0, max: 10_000 });
const policies: fc.Arbitrary<EconomicsPolicy> = fc
  .record({
    platformFeeBps: bps,
    supporterPoolBps: bps,
    p2pRebateBps: bps,
    cdnCostMicrosPerGb: fc.integer({ min: 0, max: 1_000_000_000 }),
  })
  .map((p) => ({ ...defaults, ...p }));
const amounts = fc.oneof(fc.nat(1000), fc.nat(1_000_000_000), fc.maxSafeNat());
const supporters = fc.uniqueArray(
  fc.record({ id: fc.string({ minLength: 1, maxLength: 4 }), earningsMicros: amounts }),
  { selector: (s) => s.id, maxLength: 30 },
);

describe('splitRevenue, for any input', () => {
  it('sums to the revenue exactly, pays no negative amount, no supporter more than it earned, and more earnings never less', () => {
    fc.assert(
      fc.property(amounts, fc.maxSafeNat(), supporters, policies, (revenue, p2p, list, policy) => {
        const split = splitRevenue(
          { revenueMicros: revenue, p2pBytes: p2p, supporters: list },
          policy,
        );
        const { platformFeeMicros: fee, poolMicros: pool, streamerMicros: streamer } = split;
        expect(BigInt(fee) + BigInt(pool) + BigInt(streamer)).toBe(BigInt(revenue));
        for (const x of [fee, pool, streamer, split.cdnSavedMicros, split.rebateMicros]) {
          expect(Number.isSafeInteger(x) && x >= 0).toBe(true);
        }
        expect(pool).toBeLessThanOrEqual(split.poolFormulaMicros);
        expect(pool).toBeLessThanOrEqual(revenue - fee);
        const total = list.reduce((sum, s) => sum + BigInt(s.earningsMicros), 0n);
        expect(BigInt(pool) <= total).toBe(true);
        expect(split.supporters.map((s) => s.id)).toEqual(list.map((s) => s.id));
        let paid = 0n;
        for (const s of split.supporters) {
          expect(Number.isSafeInteger(s.amountMicros) && s.amountMicros >= 0).toBe(true);
          expect(s.amountMicros).toBeLessThanOrEqual(s.earningsMicros);
          // Within one unit of the exact proportional share.
          const exact = (BigInt(pool) * BigInt(s.earningsMicros)) / (total === 0n ? 1n : total);
          const diff = BigInt(s.amountMicros) - exact;
          expect(diff === 0n || diff === 1n).toBe(true);
          paid += BigInt(s.amountMicros);
        }
        expect(paid).toBe(BigInt(pool));
        for (const a of split.supporters)
          for (const b of split.supporters)
            if (a.earningsMicros > b.earningsMicros)
              expect(a.amountMicros).toBeGreaterThanOrEqual(b.amountMicros);
      }),
      { numRuns: 500 },
    );
  });
});
