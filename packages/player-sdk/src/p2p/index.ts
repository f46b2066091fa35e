/**
 * `@streamrp2p/player-sdk/p2p`: the P2P engine alone (swarms, peers, scheduler, store, upload
 * limiter, tracker client). It knows nothing of hls.js or the DOM and runs in browsers and Node.
 */
export * from './config.js';
export * from './engine.js';
export type * from './engine-types.js';
export type { HttpReason, SegmentRequest, SegmentResult, SegmentSource } from './load-segment.js';
export type { ByteRange } from './http-fetch.js';
export type { UploadPolicy } from './upload-policy.js';
export * from '../errors.js';
