import Hls from 'hls.js';
import type { PlayerOptions } from './player.js';

/**
 * hls.js' transmuxing worker for the script-tag embed (decision 58). hls.js' UMD build starts
 * its worker from a Blob of its whole self: every page's worker parses and compiles 620 KB, with
 * no cache, between the first segment's arrival and its transmuxing. The embed ships hls.js' own
 * worker build (118 KB) next to itself as `hls.worker-<version>.js`, and hls.js runs that instead
 * (its `workerPath`). A worker must be same-origin with the page, and the embed is usually served
 * from elsewhere, so the path is a Blob URL whose script imports the file: `importScripts` loads
 * from any origin and goes through the HTTP cache like any script. If the file is missing, the
 * worker fails and hls.js transmuxes on the main thread, as it does without a worker.
 */

/** The name of the worker file for `hlsVersion`, as the embed build emits it beside the embed. */
export function hlsWorkerFileName(hlsVersion: string): string {
  return `hls.worker-${hlsVersion}.js`;
}

/**
 * The URL of `fileName` in the folder of the embed script at `embedSrc` (its companion files
 * sit there), or undefined without a usable `embedSrc`.
 */
export function besideEmbed(
  fileName: string,
  embedSrc: string | null | undefined,
): string | undefined {
  if (!embedSrc) return undefined;
  try {
    return new URL(fileName, embedSrc).href;
  } catch {
    return undefined;
  }
}

/** The worker file next to the embed script at `embedSrc`, or undefined without one. */
export function workerScriptUrl(
  embedSrc: string | null | undefined,
  hlsVersion: string,
): string | undefined {
  if (!/^\d+\.\d+\.\d+[\w.-]*$/.test(hlsVersion)) return undefined;
  return besideEmbed(hlsWorkerFileName(hlsVersion), embedSrc);
}

/** Blob URLs made by {@link workerPathFor}, by script URL: one per page and script. */
const blobPaths = new Map<string, string>();

/** A same-origin Blob URL whose worker imports `scriptUrl` (undefined where Blob URLs are not). */
export function workerPathFor(scriptUrl: string): string | undefined {
  let path = blobPaths.get(scriptUrl);
  if (path === undefined) {
    try {
      const source = `importScripts(${JSON.stringify(scriptUrl)});`;
      path = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    } catch {
      return undefined;
    }
    blobPaths.set(scriptUrl, path);
  }
  return path;
}

/**
 * `options` with hls.js' `workerPath` set to the worker at `scriptUrl`, unless the page chose
 * its own worker (`workerPath`) or none (`enableWorker: false`). On fMP4 the player still turns
 * the worker off (decision 57): the file is then never loaded.
 */
export function withWorkerScript(
  options: PlayerOptions,
  scriptUrl: string | undefined,
): PlayerOptions {
  const config = options.hlsConfig;
  if (scriptUrl === undefined || config?.workerPath || config?.enableWorker === false) {
    return options;
  }
  const workerPath = workerPathFor(scriptUrl);
  if (workerPath === undefined) return options;
  return { ...options, hlsConfig: { ...config, workerPath } };
}

/** What {@link preloadWorkerSource} reads and sets of a player's hls.js. */
export type WorkerHls = Pick<Hls, 'config' | 'once'>;

/**
 * Once the first media playlist is loaded and hls.js is to use its worker (MPEG-TS: the player
 * turns it off on fMP4 at that same event, decision 57), fetches the worker file, and points
 * hls.js' `workerPath` at a Blob of its whole text (decision 63). hls.js starts its worker when
 * the first fragment's bytes arrive, and a worker that imports the file makes its own request
 * only then: a round trip to wherever the embed is served, on the path to the first frame.
 * Fetched while the first fragment loads, the text is usually in the page before it, and the
 * worker starts from memory as plain hls.js' does.
 *
 * Only while `workerPath` is still `importingPath` (a page's own choice is left alone); stopped
 * if the player is destroyed, which also frees the copy. Register after the player's own
 * `LEVEL_LOADED` handler. Across origins it needs the file served with
 * `Access-Control-Allow-Origin`; without it, or on any failure or a late answer, the worker
 * imports the file as before. Resolves when done, never rejects.
 */
export function preloadWorkerSource(
  hls: WorkerHls,
  scriptUrl: string,
  importingPath: string,
): Promise<void> {
  const controller = new AbortController();
  let made: string | undefined;
  hls.once(Hls.Events.DESTROYING, () => {
    controller.abort();
    // hls.js has stopped its worker by now; the text is not needed again.
    if (made !== undefined) URL.revokeObjectURL(made);
  });
  return new Promise<void>((resolve) => {
    hls.once(Hls.Events.LEVEL_LOADED, () => {
      const wanted = () =>
        !controller.signal.aborted &&
        hls.config.enableWorker &&
        hls.config.workerPath === importingPath;
      if (typeof fetch !== 'function' || !wanted()) return resolve();
      fetch(scriptUrl, { signal: controller.signal, credentials: 'omit' })
        .then((response) => (response.ok ? response.text() : undefined))
        .then((source) => {
          if (source === undefined || !wanted()) return;
          const text = `${source}\n//# sourceURL=${scriptUrl}`;
          made = URL.createObjectURL(new Blob([text], { type: 'text/javascript' }));
          hls.config.workerPath = made;
        })
        .catch(() => undefined)
        .finally(resolve);
    });
  });
}
