import Hls from 'hls.js';
import { addP2P } from '@streamrp2p/player-sdk';

// This page's settings come from its address, e.g.
// ?src=https://cdn.example.com/live/master.m3u8&stream=my-stream&tracker=https://tracker.example.com
const params = new URLSearchParams(location.search);
const setting = (name: string) => params.get(name) ?? undefined;
const video = document.querySelector('video')!;
const statsBox = document.querySelector('#stats')!;

// Your hls.js player, with your own config.
const hls = new Hls({ maxBufferLength: 30 });

// StreamrP2P: segments come from viewers of the same stream when they can in time, from your
// origin otherwise. `hls.destroy()` ends it too.
const p2p = addP2P(hls, {
  streamId: setting('stream') ?? 'demo',
  trackerUrl: setting('tracker') ?? 'http://localhost:8090',
  coordinatorUrl: setting('coordinator'), // optional: integrity checks, receipts, points
  iceServers: params.get('stun') === 'off' ? [] : undefined, // ?stun=off on a network without internet
});

hls.loadSource(setting('src') ?? 'http://localhost:8081/live/master.m3u8');
hls.attachMedia(video);

// The P2P stats, once a second.
setInterval(() => {
  const stats = p2p.getStats();
  statsBox.textContent = [
    `P2P share ${(stats.p2pShare * 100).toFixed(0)}% with ${stats.peers} peer(s)`,
    `from peers ${stats.p2pBytes} B (verified ${stats.verifiedP2PBytes} B), over HTTP ${stats.httpBytes} B`,
    `uploaded ${stats.uploadedBytes} B`,
  ].join('\n');
}, 1000);

// For the console (and the example's browser test).
Object.assign(window, { hls, p2p });
