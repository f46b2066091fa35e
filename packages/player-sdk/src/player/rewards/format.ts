/*
 * Formatting for the rewards panel. The stats overlay has its own byte formatter: importing it
 * here would pull shared code out of the ESM bundle's entry into a chunk loaded at startup.
 */

/** Bytes as B, kB, MB or GB (powers of 1000, as people read them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Micro-units as an amount with cents, in integer arithmetic (cents rounded down). */
export function formatMicros(micros: number, currency: string): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(micros);
  const cents = Math.floor((abs % 1_000_000) / 10_000);
  return `${sign}${Math.floor(abs / 1_000_000)}.${String(cents).padStart(2, '0')} ${currency}`;
}

/** An upload cap, kbit/s, as people set it. */
export function formatKbps(kbps: number): string {
  return kbps >= 1000 ? `${kbps / 1000} Mbit/s` : `${kbps} kbit/s`;
}
