/**
 * The p2p-media-loader configurations the swarm benchmark compares. All play at the run's
 * `--live-sync` like every engine; they differ in the core's scheduling settings and in who
 * picks hls.js' buffer length.
 */
import { p2pmlEngine } from './p2pml.js';

export const P2PML_ENGINES = Object.freeze([
  // As shipped: the fair "out of the box" figure.
  p2pmlEngine('p2pml', { label: 'core defaults' }),
  // Its best live settings at our buffer length. Its scheduler sends every segment inside the
  // high-demand window to HTTP while an HTTP slot is free; P2P is only tried further ahead. On
  // a live stream played a few segments behind the edge, a 15 s window covers every new
  // segment, so everyone fetches it over HTTP. A 3 s window leaves the newest segments to P2P
  // (or to its random HTTP download, which announces the segment to peers), and one HTTP slot
  // keeps a viewer from fetching several segments at once.
  p2pmlEngine('p2pml-live', {
    label: 'live settings (highDemandTimeWindow 3, 1 HTTP download)',
    core: { highDemandTimeWindow: 3, simultaneousHttpDownloads: 1 },
  }),
  // The same, plus hls.js' buffer as its hls.js integration sets it for live streams, so hls.js
  // asks for segments no further ahead than the high-demand window.
  p2pmlEngine('p2pml-tuned', {
    label: 'live settings + its own hls.js buffer length',
    core: { highDemandTimeWindow: 3, simultaneousHttpDownloads: 1 },
    ownBufferLength: true,
  }),
]);
