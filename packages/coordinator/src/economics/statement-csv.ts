/**
 * CSV statements: an RFC 4180 writer (comma-separated, CRLF line ends, a field quoted when it
 * holds a comma, a quote, CR or LF, quotes doubled) and exact decimal amounts. Twenty lines of
 * our own rather than a dependency: the statements write, never read, a fixed set of columns.
 */

/** One CSV field: text as it is, numbers in their shortest decimal form. */
export type CsvField = string | number | null;

function field(value: CsvField): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The CSV document of `header` and `rows`, every record ended by CRLF.
 *
 * @example
 * toCsv(['a', 'b'], [[1, 'x,y']]); // 'a,b\r\n1,"x,y"\r\n'
 */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvField[]>): string {
  return [header, ...rows].map((row) => `${row.map(field).join(',')}\r\n`).join('');
}

/** Micro-units per currency unit. */
const MICROS_PER_UNIT = 1_000_000n;

/**
 * `micros` as a decimal of currency units with six places, by integer arithmetic (exact for any
 * safe integer, where `micros / 1e6` in floating point is not).
 *
 * @example
 * microsToDecimal(-1_234_567); // '-1.234567'
 */
export function microsToDecimal(micros: number): string {
  if (!Number.isSafeInteger(micros)) throw new RangeError(`not an amount of micros: ${micros}`);
  const value = BigInt(micros);
  const abs = value < 0n ? -value : value;
  const units = abs / MICROS_PER_UNIT;
  const fraction = (abs % MICROS_PER_UNIT).toString().padStart(6, '0');
  return `${value < 0n ? '-' : ''}${units}.${fraction}`;
}
