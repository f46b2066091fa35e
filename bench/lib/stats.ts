/** Small statistics shared by the result reducers. */

export const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** The median, or null for no values. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A small seeded generator (mulberry32): the same resamples, so the same interval, every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** The ratio of two samples' medians and its 95% bootstrap interval (percentile method). */
export interface MedianRatio {
  ratio: number;
  low: number;
  high: number;
}

/**
 * `median(a) / median(b)`, with the 2.5th and 97.5th percentiles of that ratio over `resamples`
 * bootstrap resamples (each sample resampled with replacement on its own). Null when either
 * sample is empty or `b`'s median is 0.
 */
export function medianRatio(
  a: readonly number[],
  b: readonly number[],
  resamples = 2000,
): MedianRatio | null {
  const ma = median(a);
  const mb = median(b);
  if (ma === null || mb === null || mb === 0) return null;
  const random = seededRandom(0x5eed);
  const draw = (values: readonly number[]) =>
    Array.from(values, () => values[Math.floor(random() * values.length)]!);
  const ratios: number[] = [];
  for (let i = 0; i < resamples; i += 1) {
    const rb = median(draw(b))!;
    if (rb > 0) ratios.push(median(draw(a))! / rb);
  }
  ratios.sort((x, y) => x - y);
  const at = (q: number) => ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))]!;
  return { ratio: ma / mb, low: at(0.025), high: at(0.975) };
}
