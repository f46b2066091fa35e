import type { EngineStats } from '../p2p/engine-types.js';
import { SdkError, SdkErrorCode } from '../errors.js';

/** How a player plays: hls.js on Media Source Extensions with P2P, or the browser's own HLS. */
export type PlaybackMode = 'mse' | 'native';

/** The HLS MIME type a browser with its own HLS playback (Safari, iOS, recent Chromium) accepts. */
const HLS_MIME = 'application/vnd.apple.mpegurl';

/** Whether the browser plays HLS itself when given the playlist as `video.src`. */
export function canPlayHlsNatively(video: HTMLVideoElement): boolean {
  return video.canPlayType(HLS_MIME) !== '';
}

/** Stats of a player without a P2P engine: every byte comes from the origin, unseen by us. */
export function nativeStats(): EngineStats {
  return {
    peerId: undefined,
    httpBytes: 0,
    p2pBytes: 0,
    uploadedBytes: 0,
    httpSegments: 0,
    p2pSegments: 0,
    peers: 0,
    p2pShare: 0,
    storeBytes: 0,
    consumeOnly: true,
    maxUploadKbps: 0,
    bannedPeers: 0,
    swarms: [],
    sessionId: undefined,
    viewerId: undefined,
    verifiedP2PBytes: 0,
  };
}

/**
 * Plays `src` with the browser's own HLS support, without P2P: where hls.js cannot run (no
 * Media Source Extensions, as on iPhone Safari before ManagedMediaSource), this is what plain
 * hls.js pages fall back to as well.
 */
export function playNatively(video: HTMLVideoElement, src: string): { stop(): void } {
  if (!canPlayHlsNatively(video)) {
    throw new SdkError(
      SdkErrorCode.Unsupported,
      'this browser can play HLS neither with Media Source Extensions (hls.js) nor natively',
    );
  }
  video.src = src;
  return {
    stop() {
      video.removeAttribute('src');
      video.load();
    },
  };
}
