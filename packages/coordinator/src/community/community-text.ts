/**
 * The sentences community events show viewers. Each names people only by their display name
 * (`viewer_accounts.display_name`) or "A viewer": never a viewer id, session or address.
 */

/** Who a viewer is to other viewers. */
export function publicName(displayName: string | null | undefined): string {
  const name = displayName?.trim();
  return name === undefined || name === '' ? 'A viewer' : name;
}

const GB = 1_000_000_000;

/** A micro-unit amount as money, e.g. `formatMicros(12_500_000, 'usd')` = "$12.50". */
export function formatMicros(micros: number, currency: string): string {
  const units = micros / 1_000_000;
  try {
    return new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency: currency.toUpperCase(),
    }).format(units);
  } catch {
    // A currency code Intl does not know still reads plainly.
    return `${units.toFixed(2)} ${currency.toUpperCase()}`;
  }
}

export const communityText = {
  supporterJoined: (displayName: string | null) =>
    `${publicName(displayName)} is now helping power this stream`,
  dataMilestone: (gigabytes: number) =>
    `Viewers have now shared ${gigabytes} GB of this stream with each other`,
  goalReached: (title: string, savedMicros: number, currency: string) =>
    `Community goal reached: ${title} (${formatMicros(savedMicros, currency)} saved)`,
  squadJoined: (displayName: string | null) =>
    `${publicName(displayName)} joined the support squad`,
};

/** Whole GB (10^9 bytes) in `bytes`. */
export function wholeGigabytes(bytes: number): number {
  return Math.floor(bytes / GB);
}
