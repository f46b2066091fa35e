export * from './config.js';
export * from './engine.js';
export type * from './engine-types.js';
export * from './coordinator/index.js';
export type { Verification } from './coordinator-link.js';
export * from './errors.js';
export type { HttpReason, SegmentRequest, SegmentResult, SegmentSource } from './load-segment.js';
export type { ByteRange } from './http-fetch.js';

export { renditionId, createFragmentLoader } from './hls-loader.js';
export { createPlayer } from './player.js';
export type { PlayerEvents, PlayerHandle, PlayerOptions, PlayerStats } from './player.js';
export { canPlayHlsNatively, type PlaybackMode } from './native-playback.js';
