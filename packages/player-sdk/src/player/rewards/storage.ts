import type { ViewerIdStorage } from '../../coordinator/viewer-id.js';

/** `localStorage` or anything shaped like it; every access may throw (denied, full). */
export type RewardsStorage = ViewerIdStorage;

/** Reads a key; undefined when absent or storage fails. */
export function readKey(storage: RewardsStorage | undefined, key: string): string | undefined {
  try {
    return storage?.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Writes a key (`undefined` removes it); a denied or full storage only loses the memory. */
export function writeKey(
  storage: RewardsStorage | undefined,
  key: string,
  value: string | undefined,
): void {
  try {
    if (value !== undefined) storage?.setItem(key, value);
    else (storage as Partial<Storage> | undefined)?.removeItem?.(key);
  } catch {
    // Quota exceeded or storage denied.
  }
}
