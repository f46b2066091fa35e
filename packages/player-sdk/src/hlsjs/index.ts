/**
 * `@streamrp2p/player-sdk/hlsjs`: StreamrP2P for a page's own hls.js. Imports hls.js' types
 * only: the page brings its `Hls` class.
 */
export { renditionId, createFragmentLoader } from './hls-loader.js';
export type { LoaderEngine, LoaderHls } from './hls-loader.js';
