/**
 * `@streamrp2p/player-sdk/player`: a whole player (hls.js, the engine, the stats overlay and the
 * rewards, chat and community panels). Imports hls.js.
 */
export { createPlayer } from './player.js';
export type {
  PlayerEvents,
  PlayerHandle,
  PlayerOptions,
  PlayerRuntimeOptions,
  PlayerStats,
} from './player.js';
export { canPlayHlsNatively, type PlaybackMode } from './native-playback.js';
