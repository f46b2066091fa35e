import { readKey, writeKey, type RewardsStorage } from './storage.js';

/** The viewer's choice to support: kept in `localStorage`, applied again on the next visit. */
export interface SupporterSettings {
  /** Upload cap the viewer set, kbit/s. */
  maxUploadKbps: number;
  /** "Upload anyway on this connection": upload even on a metered connection. */
  allowMetered: boolean;
}

export const SUPPORTER_SETTINGS_KEY = 'streamrp2p:supporter';

/** The default cap offered: 2 Mbit/s, a fraction of most home uplinks. */
export const DEFAULT_UPLOAD_KBPS = 2000;

/** The stored settings, or undefined (never chosen, stopped, or unreadable). */
export function readSupporterSettings(
  storage: RewardsStorage | undefined,
): SupporterSettings | undefined {
  const raw = readKey(storage, SUPPORTER_SETTINGS_KEY);
  if (raw === undefined) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<SupporterSettings>;
    const kbps = value.maxUploadKbps;
    if (typeof kbps !== 'number' || !(kbps > 0) || !Number.isFinite(kbps)) return undefined;
    return { maxUploadKbps: kbps, allowMetered: value.allowMetered === true };
  } catch {
    return undefined;
  }
}

export function writeSupporterSettings(
  storage: RewardsStorage | undefined,
  settings: SupporterSettings | undefined,
): void {
  writeKey(storage, SUPPORTER_SETTINGS_KEY, settings && JSON.stringify(settings));
}

/**
 * A cap typed by the viewer, in `unit`, as kbit/s (1 Mbit = 1000 kbit); undefined unless it is a
 * positive number no larger than 10 Gbit/s.
 *
 * @example
 * capToKbps('1.5', 'mbps'); // 1500
 */
export function capToKbps(text: string, unit: 'kbps' | 'mbps'): number | undefined {
  const value = Number(text.trim().replace(',', '.'));
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) return undefined;
  const kbps = Math.round(unit === 'mbps' ? value * 1000 : value);
  return kbps >= 1 && kbps <= 10_000_000 ? kbps : undefined;
}
