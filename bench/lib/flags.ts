/**
 * Command-line flags of every benchmark: parsed strictly with node:util, and integer flags
 * validated with messages that name the flag and the accepted range.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A flag error: the caller prints the message and the help, and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type FlagOptions = NonNullable<ParseArgsConfig['options']>;

/** The flags' values (no positionals allowed); an unknown or malformed flag is a UsageError. */
export function parseFlags<O extends FlagOptions>(argv: string[], options: O) {
  return parseCommandLine(argv, options, false).values;
}

/** The flags' values and the other arguments (file names, say), checked as {@link parseFlags}. */
export function parseFlagsAndArguments<O extends FlagOptions>(argv: string[], options: O) {
  return parseCommandLine(argv, options, true);
}

function parseCommandLine<O extends FlagOptions, P extends boolean>(
  argv: string[],
  options: O,
  allowPositionals: P,
) {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals, options });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * The integer value of `--flag` (plain decimal digits) in min..max, `fallback` when absent; a
 * UsageError otherwise. Without `max`, only the lower bound applies.
 */
export function integer(
  flag: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`--${flag} must be an integer ${range}, got "${raw}"`);
  }
  return value;
}

/** The value of `--flag` when it is one of `choices`, `fallback` when absent; a UsageError otherwise. */
export function choice<C extends string>(
  flag: string,
  raw: string | undefined,
  fallback: C,
  choices: readonly C[],
): C {
  if (raw === undefined) return fallback;
  if ((choices as readonly string[]).includes(raw)) return raw as C;
  throw new UsageError(`--${flag} must be one of ${choices.join(', ')}, got "${raw}"`);
}
