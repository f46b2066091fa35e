/**
 * The script-tag build: mounts a player on every element with `data-streamrp2p-src`.
 *
 * <div data-streamrp2p-src="https://cdn.example.com/live/master.m3u8"
 *      data-streamrp2p-stream="my-stream"
 *      data-streamrp2p-tracker="https://tracker.example.com"
 *      data-streamrp2p-rewards="false"           (optional: no points, prompts or supporter offer)
 *      data-streamrp2p-community="false"         (optional: no goals, social proof or squad button)
 *      data-streamrp2p-chat></div>               (optional: the stream's chat panel)
 * <script src="https://cdn.example.com/streamrp2p.iife.js"></script>
 *
 * Beside it, the same folder serves `hls.worker-<version>.js` (decision 58) and
 * `streamrp2p-p2p.iife.js` (decision 60), which the players load themselves.
 */
import Hls from 'hls.js';
import { createPlayerWith, type PlayerHandle, type PlayerOptions } from './player.js';
import { loadPartsScript, partsScriptUrl, type EmbedPartsModule } from './parts-script.js';
import { preloadWorkerSource, withWorkerScript, workerScriptUrl } from './worker-script.js';

export { SdkError, SdkErrorCode } from '../errors.js';

/** This script's own URL, read while it runs: its two companion files sit beside it. */
const embedSrc =
  typeof document === 'undefined'
    ? undefined
    : (document.currentScript as HTMLScriptElement | null)?.src;
/** hls.js' worker file next to this script (decision 58). */
const workerScript = workerScriptUrl(embedSrc, Hls.version);
/** The P2P file next to this script (decision 60). */
const partsScript = partsScriptUrl(embedSrc);

/**
 * The SDK's npm API (`P2PEngine`, `addP2P`, `CoordinatorClient`, `renditionId`...), from
 * `streamrp2p-p2p.iife.js` beside this script, which players load after their first frame.
 *
 * @example
 * const { P2PEngine } = await StreamrP2P.loadP2P();
 */
export function loadP2P(): Promise<EmbedPartsModule> {
  return loadPartsScript(partsScript);
}

/**
 * A player on `options.el` (see `createPlayer` of the npm package). Here, hls.js runs its
 * transmuxing worker from the `hls.worker-<version>.js` next to this script unless
 * `hlsConfig` says otherwise (fetched while the first segment loads, decision 63), and P2P
 * comes from `streamrp2p-p2p.iife.js` next to it, loaded once the first frame plays.
 */
export function createPlayer(options: PlayerOptions): PlayerHandle {
  const withWorker = withWorkerScript(options, workerScript);
  const player = createPlayerWith(withWorker, loadP2P);
  const importingPath = withWorker.hlsConfig?.workerPath;
  // After the player's own LEVEL_LOADED handler, which turns the worker off on fMP4.
  if (player.hls && workerScript && importingPath && withWorker !== options)
    void preloadWorkerSource(player.hls, workerScript, importingPath);
  return player;
}

/** Players mounted from data attributes, by element. */
export const players = new Map<HTMLElement, PlayerHandle>();

function numberAttr(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/** Reads a player's options from an element's `data-streamrp2p-*` attributes. */
export function optionsFromElement(el: HTMLElement): PlayerOptions {
  const data = el.dataset;
  const consumeOnly = data.streamrp2pConsumeOnly;
  return {
    el,
    src: data.streamrp2pSrc ?? '',
    streamId: data.streamrp2pStream ?? '',
    tracker: data.streamrp2pTracker ?? '',
    coordinator: data.streamrp2pCoordinator || undefined,
    overlay: data.streamrp2pOverlay !== 'false',
    rewards: data.streamrp2pRewards !== 'false',
    supporterPrompt: data.streamrp2pSupporterPrompt !== 'false',
    // A bare attribute turns it on, as for consume-only.
    chat: data.streamrp2pChat === undefined ? undefined : data.streamrp2pChat !== 'false',
    // On by default with a coordinator (decision 41): only "false" turns it off.
    community: data.streamrp2pCommunity === 'false' ? false : undefined,
    p2p: {
      maxUploadKbps: numberAttr(data.streamrp2pMaxUploadKbps),
      consumeOnly:
        consumeOnly === undefined
          ? undefined
          : consumeOnly === 'auto'
            ? 'auto'
            : consumeOnly !== 'false',
      maxPeers: numberAttr(data.streamrp2pMaxPeers),
    },
  };
}

/** Mounts players on every `[data-streamrp2p-src]` element under `root` not mounted yet. */
export function mountAll(root: ParentNode = document): PlayerHandle[] {
  const mounted: PlayerHandle[] = [];
  root.querySelectorAll<HTMLElement>('[data-streamrp2p-src]').forEach((el) => {
    if (players.has(el)) return;
    try {
      const player = createPlayer(optionsFromElement(el));
      players.set(el, player);
      mounted.push(player);
    } catch (error) {
      console.error('streamrp2p: could not mount a player on', el, error);
      el.dataset.streamrp2pError = String(error);
    }
  });
  return mounted;
}

if (typeof document !== 'undefined') {
  if (document.readyState === 'loading')
    document.addEventListener('DOMContentLoaded', () => mountAll());
  else mountAll();
}
