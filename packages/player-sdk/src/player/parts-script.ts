/**
 * The script-tag embed in two files (decision 60): `streamrp2p.iife.js` holds hls.js and the
 * player, all a first frame needs; `streamrp2p-p2p.iife.js` beside it holds P2P, the coordinator
 * client and the panels, with the SDK's whole npm API. A player loads the second once its first
 * frame plays, so a viewer's page neither downloads nor compiles it before then. The second
 * file sets the global {@link PARTS_GLOBAL} and is fetched once per page.
 */
import type * as EmbedParts from './embed-parts.js';
import { besideEmbed } from './worker-script.js';

export type EmbedPartsModule = typeof EmbedParts;

/** The P2P file's name, beside the embed. */
export const PARTS_SCRIPT = 'streamrp2p-p2p.iife.js';
/** The global the P2P file sets (its IIFE's name). */
export const PARTS_GLOBAL = 'StreamrP2PParts';

/** The P2P file next to the embed script at `embedSrc`, or undefined without one. */
export function partsScriptUrl(embedSrc: string | null | undefined): string | undefined {
  return besideEmbed(PARTS_SCRIPT, embedSrc);
}

let loading: Promise<EmbedPartsModule> | undefined;

/**
 * Loads the P2P file from `url` once per page (a failed load may be tried again); resolves with
 * what it exports. Rejects where there is no URL (the embed was not loaded from a file) or the
 * file fails to load.
 */
export function loadPartsScript(url: string | undefined): Promise<EmbedPartsModule> {
  const present = (globalThis as Record<string, unknown>)[PARTS_GLOBAL];
  if (present) return Promise.resolve(present as EmbedPartsModule);
  if (loading) return loading;
  if (url === undefined) {
    return Promise.reject(new Error(`no URL for ${PARTS_SCRIPT}: the embed's own was not known`));
  }
  const attempt = new Promise<EmbedPartsModule>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = url;
    script.async = true;
    script.onload = () => {
      const parts = (globalThis as Record<string, unknown>)[PARTS_GLOBAL];
      if (parts) resolve(parts as EmbedPartsModule);
      else reject(new Error(`${url} loaded but did not set ${PARTS_GLOBAL}`));
    };
    script.onerror = () => reject(new Error(`could not load ${url}`));
    document.head.appendChild(script);
  });
  loading = attempt;
  attempt.catch(() => {
    if (loading === attempt) loading = undefined;
  });
  return attempt;
}
