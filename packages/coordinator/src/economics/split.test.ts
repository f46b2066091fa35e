import { describe, expect, it } from 'vitest';
import { resolveCoordinatorConfig } from '../config/config.js';
import { economicsPolicy } from './policy.js';
import { splitRevenue, type RevenueSplit } from './split.js';

const GB = 1_000_000_000;
const policy = economicsPolicy(resolveCoordinatorConfig());

/** The platform, the pool and the streamer account for the revenue exactly. */
function balanced(split: RevenueSplit): RevenueSplit {
  expect(split.platformFeeMicros + split.poolMicros + split.streamerMicros).toBe(
    split.revenueMicros,
  );
  expect(split.supporters.reduce((sum, s) => sum + s.amountMicros, 0)).toBe(split.poolMicros);
  return split;
}

describe('splitRevenue', () => {
  it('pays no one out of zero revenue, however much was delivered', () => {
    const split = balanced(
      splitRevenue(
        {
          revenueMicros: 0,
          p2pBytes: 10 * GB,
          supporters: [{ id: 'v1', earningsMicros: 1_000_000 }],
        },
        policy,
      ),
    );
    // The CDN saving (10 GB x $0.05) and its rebate are reported; the pool is capped at 0.
    expect(split).toEqual({
      revenueMicros: 0,
      platformFeeMicros: 0,
      cdnSavedMicros: 500_000,
      rebateMicros: 250_000,
      poolFormulaMicros: 250_000,
      poolMicros: 0,
      streamerMicros: 0,
      supporters: [{ id: 'v1', earningsMicros: 1_000_000, amountMicros: 0 }],
    });
  });

  it('leaves the pool with the streamer when there are no supporters', () => {
    expect(
      balanced(splitRevenue({ revenueMicros: 100_000_000, p2pBytes: 0, supporters: [] }, policy)),
    ).toEqual({
      revenueMicros: 100_000_000,
      platformFeeMicros: 15_000_000,
      cdnSavedMicros: 0,
      rebateMicros: 0,
      poolFormulaMicros: 17_000_000,
      poolMicros: 0,
      streamerMicros: 85_000_000,
      supporters: [],
    });
  });

  it('pays one supporter what it earned, never more, the streamer the rest', () => {
    const split = balanced(
      splitRevenue(
        {
          revenueMicros: 100_000_000,
          p2pBytes: 20 * GB,
          supporters: [{ id: 'v1', earningsMicros: 5_000_000 }],
        },
        policy,
      ),
    );
    // Pool formula 20% of 85M + half of 20 GB x $0.05 = 17.5M; earnings cap it at 5M.
    expect(split).toMatchObject({
      cdnSavedMicros: 1_000_000,
      rebateMicros: 500_000,
      poolFormulaMicros: 17_500_000,
      poolMicros: 5_000_000,
      streamerMicros: 80_000_000,
    });
    expect(split.supporters).toEqual([
      { id: 'v1', earningsMicros: 5_000_000, amountMicros: 5_000_000 },
    ]);
  });

  it('shares a pool the formula caps in proportion to earnings', () => {
    const split = balanced(
      splitRevenue(
        {
          revenueMicros: 100_000_000,
          p2pBytes: 0,
          supporters: [
            { id: 'v1', earningsMicros: 10_000_000 },
            { id: 'v2', earningsMicros: 30_000_000 },
            { id: 'v3', earningsMicros: 0 },
          ],
        },
        policy,
      ),
    );
    expect(split.poolMicros).toBe(17_000_000);
    expect(split.streamerMicros).toBe(68_000_000);
    expect(split.supporters.map((s) => s.amountMicros)).toEqual([4_250_000, 12_750_000, 0]);
  });

  it('caps the pool at what small revenue can pay after the fee, whatever the P2P volume', () => {
    // $1 of revenue, 1000 GB delivered: the formula asks 170,000 + 25,000,000.
    const split = balanced(
      splitRevenue(
        {
          revenueMicros: 1_000_000,
          p2pBytes: 1000 * GB,
          supporters: [
            { id: 'v1', earningsMicros: 30_000_000 },
            { id: 'v2', earningsMicros: 10_000_000 },
          ],
        },
        policy,
      ),
    );
    expect(split).toMatchObject({
      platformFeeMicros: 150_000,
      cdnSavedMicros: 50_000_000,
      rebateMicros: 25_000_000,
      poolFormulaMicros: 25_170_000,
      poolMicros: 850_000,
      streamerMicros: 0,
    });
    expect(split.supporters.map((s) => s.amountMicros)).toEqual([637_500, 212_500]);
  });

  it('gives the units a floor leaves to the largest remainders, ties by id', () => {
    const exact = { ...policy, platformFeeBps: 0, supporterPoolBps: 10_000 };
    const split = balanced(
      splitRevenue(
        {
          revenueMicros: 100,
          p2pBytes: 0,
          supporters: ['c', 'a', 'b'].map((id) => ({ id, earningsMicros: 1000 })),
        },
        exact,
      ),
    );
    expect(split.poolMicros).toBe(100);
    expect(split.supporters.map((s) => [s.id, s.amountMicros])).toEqual([
      ['c', 33],
      ['a', 34],
      ['b', 33],
    ]);
    // Quotas 100 x 1/7, 2/7, 4/7 = 14.29, 28.57, 57.14: the one unit left goes to 28.57.
    const unequal = splitRevenue(
      {
        revenueMicros: 100,
        p2pBytes: 0,
        supporters: [1, 2, 4].map((w) => ({ id: `v${w}`, earningsMicros: w * 1000 })),
      },
      exact,
    );
    expect(unequal.supporters.map((s) => s.amountMicros)).toEqual([14, 29, 57]);
  });

  it('floors the fee and the pool formula; the streamer absorbs the remainders', () => {
    const split = balanced(
      splitRevenue(
        {
          revenueMicros: 1_000_001,
          p2pBytes: 1_999_999,
          supporters: [{ id: 'v1', earningsMicros: 1_000_000 }],
        },
        policy,
      ),
    );
    // Fee floor(150,000.15); CDN saved floor(99.99995); rebate floor(49.5); pool 170,000 + 49.
    expect(split).toMatchObject({
      platformFeeMicros: 150_000,
      cdnSavedMicros: 99,
      rebateMicros: 49,
      poolFormulaMicros: 170_049,
      poolMicros: 170_049,
      streamerMicros: 679_952,
    });
  });

  it('computes huge P2P volumes exactly (BigInt)', () => {
    const split = balanced(
      splitRevenue(
        { revenueMicros: 10, p2pBytes: Number.MAX_SAFE_INTEGER, supporters: [] },
        policy,
      ),
    );
    // floor((2^53 - 1) x 50,000 / 10^9) = 450,359,962,737 (a float product would be off).
    expect(split.cdnSavedMicros).toBe(450_359_962_737);
    expect(split.rebateMicros).toBe(225_179_981_368);
    expect(split.poolMicros).toBe(0);
    // A formula beyond 2^53 - 1 is reported as 2^53 - 1; what is paid stays exact.
    const most = Number.MAX_SAFE_INTEGER;
    const beyond = balanced(
      splitRevenue(
        {
          revenueMicros: most,
          p2pBytes: most,
          supporters: [{ id: 'v1', earningsMicros: most }],
        },
        { ...policy, cdnCostMicrosPerGb: 1_000_000_000, p2pRebateBps: 10_000 },
      ),
    );
    expect(beyond.poolFormulaMicros).toBe(most);
    expect(beyond.poolMicros).toBe(most - beyond.platformFeeMicros);
  });

  it('rejects bad input with a RangeError', () => {
    const ok = { revenueMicros: 1, p2pBytes: 0, supporters: [] };
    expect(() => splitRevenue({ ...ok, revenueMicros: -1 }, policy)).toThrow(/revenueMicros/);
    expect(() => splitRevenue({ ...ok, revenueMicros: 0.5 }, policy)).toThrow(RangeError);
    expect(() => splitRevenue({ ...ok, p2pBytes: 2 ** 53 }, policy)).toThrow(/p2pBytes/);
    expect(() =>
      splitRevenue(
        {
          ...ok,
          supporters: [
            { id: 'v1', earningsMicros: 1 },
            { id: 'v1', earningsMicros: 2 },
          ],
        },
        policy,
      ),
    ).toThrow(/more than once/);
    expect(() =>
      splitRevenue({ ...ok, supporters: [{ id: 'v1', earningsMicros: -3 }] }, policy),
    ).toThrow(/supporters\[0\].earningsMicros/);
    expect(() =>
      splitRevenue({ ...ok, supporters: [{ id: '', earningsMicros: 3 }] }, policy),
    ).toThrow(/id/);
  });
});
