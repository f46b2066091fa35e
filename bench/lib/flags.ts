/** A flag error: the caller prints the message and the help, and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The integer value of `--flag` in min..max, `fallback` when absent; a UsageError otherwise. */
export function integer(
  flag: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${flag} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}
