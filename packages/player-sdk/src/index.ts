/**
 * `@streamrp2p/player-sdk`: the P2P engine, its hls.js integration and the coordinator client.
 * It does not import hls.js at runtime; the whole player is `@streamrp2p/player-sdk/player`.
 */
export * from './p2p/index.js';
export * from './hlsjs/index.js';
export * from './coordinator/index.js';
export type { Verification } from './coordinator/coordinator-link.js';
