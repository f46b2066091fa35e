/**
 * Entry of `streamrp2p-p2p.iife.js`, the embed's second file (decision 60; see
 * `parts-script.ts`): what a player adds after its first frame, and the SDK's whole npm API for
 * pages that use the engine themselves (`await StreamrP2P.loadP2P()`).
 */
export * from '../index.js';
export { startRewards, startCommunity, startChat } from './parts.js';
