/** Where the anonymous viewer id is kept: `localStorage` or anything shaped like it. */
export interface ViewerIdStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The `localStorage` key of the anonymous viewer id. */
export const VIEWER_ID_STORAGE_KEY = 'streamrp2p:viewer-id';

/** The page's `localStorage`, or undefined in Node, workers, or when the browser denies it. */
export function defaultViewerIdStorage(): ViewerIdStorage | undefined {
  try {
    return (globalThis as { localStorage?: ViewerIdStorage }).localStorage ?? undefined;
  } catch {
    return undefined; // Sandboxed iframes and disabled cookies make the getter throw.
  }
}

/** The configured storage: `null` for none, `undefined` for the page's `localStorage`. */
export function resolveStorage(
  storage: ViewerIdStorage | null | undefined,
): ViewerIdStorage | undefined {
  return storage === null ? undefined : (storage ?? defaultViewerIdStorage());
}

/** The stored viewer id, or undefined when there is none or storage fails. */
export function readViewerId(storage: ViewerIdStorage | undefined): string | undefined {
  try {
    return storage?.getItem(VIEWER_ID_STORAGE_KEY) || undefined;
  } catch {
    return undefined;
  }
}

/** Stores the viewer id; a full or denied storage only costs the id's reuse. */
export function storeViewerId(storage: ViewerIdStorage | undefined, viewerId: string): void {
  try {
    storage?.setItem(VIEWER_ID_STORAGE_KEY, viewerId);
  } catch {
    // Quota exceeded or storage denied: the next visit gets a new anonymous id.
  }
}

/** The `localStorage` key of a viewer's secret (answered once, when the coordinator created it). */
export const viewerSecretKey = (viewerId: string): string => `streamrp2p:viewer-secret:${viewerId}`;

/** The stored secret of `viewerId`, or undefined. */
export function readViewerSecret(
  storage: ViewerIdStorage | undefined,
  viewerId: string,
): string | undefined {
  try {
    return storage?.getItem(viewerSecretKey(viewerId)) || undefined;
  } catch {
    return undefined;
  }
}

/** Stores the secret of `viewerId`; without it, later sessions earn but cannot read statements. */
export function storeViewerSecret(
  storage: ViewerIdStorage | undefined,
  viewerId: string,
  secret: string,
): void {
  try {
    storage?.setItem(viewerSecretKey(viewerId), secret);
  } catch {
    // Quota exceeded or storage denied.
  }
}
