/**
 * Exponential backoff with "equal jitter": attempt n waits between half and all of
 * `min(maxMs, baseMs * 2^(n-1))`, so clients that failed together do not retry together.
 *
 * @example
 * backoffDelay(1, 1000, 30_000); // 500..1000
 * backoffDelay(10, 1000, 30_000); // 15000..30000
 */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return ceiling / 2 + random() * (ceiling / 2);
}
