/** Display formatting. Money stays integer micro-units until it is a string. */

const MICROS = 1_000_000n;

/** `12345678` micros as `12.35` (rounded half up to cents) with the currency code. */
export function formatMoney(micros: number, currency: string): string {
  const negative = micros < 0;
  const cents = (BigInt(Math.abs(micros)) + 5_000n) / 10_000n;
  const whole = (cents / 100n).toLocaleString('en-US');
  const frac = (cents % 100n).toString().padStart(2, '0');
  return `${negative ? '−' : ''}${whole}.${frac} ${currency.toUpperCase()}`;
}

/**
 * `"12.34"` (currency units, up to 6 decimals) as integer micro-units, or undefined when it is
 * not a positive amount.
 */
export function parseMoney(text: string): number | undefined {
  const match = /^\s*(\d{1,12})(?:[.,](\d{1,6}))?\s*$/.exec(text);
  if (match === null) return undefined;
  const micros = BigInt(match[1]!) * MICROS + BigInt((match[2] ?? '').padEnd(6, '0'));
  return micros > 0n ? Number(micros) : undefined;
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** Bytes in decimal units: `1.5 GB`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** A 0..1 ratio as `42%`, or an em dash when there is none. */
export function formatPercent(ratio: number | null): string {
  return ratio === null ? '—' : `${Math.round(ratio * 100)}%`;
}

/** A count with thousands separators. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** An ISO time as a short local date and time. */
export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** How long ago, in words: `12 s ago`, `3 min ago`. */
export function formatAgo(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
}
