/**
 * The swarm benchmark's startup ratio against plain hls.js (bench/lib/stats.ts): the figure the
 * startup target is read from, so its interval must cover what noise can do and no more. And its
 * lockstep figure (bench/lib/lockstep.ts), which tells why P2P pages start slower on one machine.
 */
import { describe, expect, it } from 'vitest';
import { appendGapMs, type MediaAppend } from '../bench/lib/lockstep.js';
import { median, medianRatio } from '../bench/lib/stats.js';

describe('medianRatio', () => {
  it('is the ratio of the medians, inside its interval', () => {
    const a = [900, 1000, 1100, 1200, 1300];
    const b = [800, 900, 1000, 1100, 1200];
    const result = medianRatio(a, b)!;
    expect(result.ratio).toBeCloseTo(1100 / 1000);
    expect(result.low).toBeLessThanOrEqual(result.ratio);
    expect(result.high).toBeGreaterThanOrEqual(result.ratio);
  });

  it('gives a tight interval for tight samples and a wide one for noisy samples', () => {
    const steady = Array.from({ length: 40 }, (_, i) => 1000 + (i % 5));
    const tight = medianRatio(steady, steady)!;
    expect(tight.high - tight.low).toBeLessThan(0.01);
    // Startups spread as bench:swarm's do (700 to 2500 ms): ten of them cannot tell 10%.
    const noisy = [700, 750, 800, 900, 1000, 1200, 1400, 1700, 2100, 2500];
    const wide = medianRatio(noisy, noisy)!;
    expect(wide.ratio).toBe(1);
    expect(wide.low).toBeLessThan(0.9);
    expect(wide.high).toBeGreaterThan(1.1);
  });

  it('is the same on every run (seeded resampling)', () => {
    const a = [1, 5, 2, 8, 3, 9, 4];
    const b = [2, 6, 3, 7, 4, 5, 6];
    expect(medianRatio(a, b)).toEqual(medianRatio(a, b));
  });

  it('is null without values or with a zero median', () => {
    expect(medianRatio([], [1])).toBeNull();
    expect(medianRatio([1], [])).toBeNull();
    expect(medianRatio([1], [0])).toBeNull();
    expect(median([])).toBeNull();
  });
});

describe('appendGapMs', () => {
  const KB = 1024;
  /** A page appending a 100 KB segment every 2 s from `start`, `count` times, plus audio. */
  const page = (start: number, count = 6): MediaAppend[] =>
    Array.from({ length: count }, (_, i) => [
      [start + i * 2000, 100 * KB] as const,
      [start + i * 2000 + 1, 4 * KB] as const,
    ]).flat();

  it('is small when the pages append each segment together, large when each keeps its pace', () => {
    const lockstep = [page(0), page(5), page(12), page(20)];
    expect(appendGapMs(lockstep)).toBeLessThanOrEqual(10);
    const ownPace = [page(0), page(500), page(1000), page(1500)];
    expect(appendGapMs(ownPace)).toBe(500);
  });

  it('leaves out small appends and the time before every page appended', () => {
    // Audio appends 1 ms after each video append would make any pages look in lockstep.
    const pages = [page(0), page(700)];
    expect(appendGapMs(pages)).toBe(700);
    // A page that started late: the others' earlier appends are not measured against it.
    const late = [page(0, 6), page(10_000 + 900, 1)];
    expect(appendGapMs(late)).toBe(900);
  });

  it('is null with fewer than two pages appending media', () => {
    expect(appendGapMs([])).toBeNull();
    expect(appendGapMs([page(0), [[5, 2 * KB]]])).toBeNull();
  });
});
