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

/** The worker file next to the embed script at `embedSrc`, or undefined without one. */
export function workerScriptUrl(
  embedSrc: string | null | undefined,
  hlsVersion: string,
): string | undefined {
  if (!embedSrc || !/^\d+\.\d+\.\d+[\w.-]*$/.test(hlsVersion)) return undefined;
  try {
    return new URL(hlsWorkerFileName(hlsVersion), embedSrc).href;
  } catch {
    return undefined;
  }
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
