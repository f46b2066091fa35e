/**
 * The SDK script the embed snippet loads unless `PUBLIC_SDK_URL` says otherwise: the player
 * SDK's script-tag build on jsDelivr, pinned to the SDK release that matches this coordinator.
 * The packages are released in lockstep (one version for all, decision 48), so that release has
 * the coordinator's own version.
 */

/** Where the SDK package keeps its script-tag build (it ships that file, see its `files`). */
export const SDK_IIFE_PATH = 'dist/browser/streamrp2p.iife.js';

/**
 * The jsDelivr URL of `@streamrp2p/player-sdk`'s IIFE at `version`.
 *
 * @example
 * cdnSdkUrl('0.1.0');
 * // 'https://cdn.jsdelivr.net/npm/@streamrp2p/player-sdk@0.1.0/dist/browser/streamrp2p.iife.js'
 */
export function cdnSdkUrl(version: string): string {
  return `https://cdn.jsdelivr.net/npm/@streamrp2p/player-sdk@${version}/${SDK_IIFE_PATH}`;
}
