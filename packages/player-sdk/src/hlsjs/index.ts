/**
 * `@streamrp2p/player-sdk/hlsjs`: StreamrP2P for a page's own hls.js. Imports hls.js' types
 * only: the page brings its `Hls` class.
 */
export { addP2P, HlsP2P } from './hls-p2p.js';
export type { HlsP2POptions, P2PHlsInstance } from './hls-p2p.js';
export { renditionId, createFragmentLoader } from './hls-loader.js';
export type { LoaderEngine, LoaderHls } from './hls-loader.js';
