/**
 * What a player adds once its first frame plays: P2P (the engine and its hls.js integration) and
 * the panels that need it (rewards, community, chat). The player loads this module then
 * (decision 60): in the npm build as a chunk of the page's bundler, in the script-tag embed as
 * `streamrp2p-p2p.iife.js` beside it. Nothing here is on the path to the first frame.
 */
export { addP2P } from '../hlsjs/hls-p2p.js';
export { startChat } from './chat/start-chat.js';
export { startCommunity } from './community/start-community.js';
export { startRewards } from './rewards/start-rewards.js';
