/**
 * A child process of the simulator: runs a group of simulated viewers (WebRTC is heavy, so
 * viewers are spread over processes), reports progress and, on `stop`, its figures.
 */
import type { ChildMessage, ParentMessage, StartMessage } from './messages.js';
import { SimViewer } from './sim-viewer.js';

const viewers: SimViewer[] = [];
const joinTimers: ReturnType<typeof setTimeout>[] = [];
let progressTimer: ReturnType<typeof setInterval> | undefined;
let maxRss = 0;
const cpuAtStart = process.cpuUsage();

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, () => resolve());
  });
}

function start(message: StartMessage): void {
  for (const { id, joinAtMs } of message.viewers) {
    const delay = Math.max(0, message.t0 + joinAtMs - Date.now());
    joinTimers.push(
      setTimeout(() => {
        const url = `${message.playlistUrl}?client=${encodeURIComponent(id)}`;
        const viewer = new SimViewer(id, Date.now() - message.t0, url, message);
        viewers.push(viewer);
        viewer.start();
      }, delay),
    );
  }
  progressTimer = setInterval(() => {
    maxRss = Math.max(maxRss, process.memoryUsage().rss);
    const stats = viewers.map((viewer) => viewer.engine.getStats());
    void send({
      type: 'progress',
      viewers: viewers.length,
      peers: stats.reduce((sum, s) => sum + s.peers, 0),
      p2pBytes: stats.reduce((sum, s) => sum + s.p2pBytes, 0),
      httpBytes: stats.reduce((sum, s) => sum + s.httpBytes, 0),
    });
  }, 1000);
}

async function stop(): Promise<void> {
  joinTimers.forEach(clearTimeout);
  clearInterval(progressTimer);
  viewers.forEach((viewer) => viewer.stop());
  maxRss = Math.max(maxRss, process.memoryUsage().rss);
  const cpu = process.cpuUsage(cpuAtStart);
  await send({
    type: 'report',
    viewers: viewers.map((viewer) => viewer.figures()),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMb: Math.round(maxRss / 1e6),
  });
  await Promise.all(viewers.map((viewer) => viewer.engine.destroy().catch(() => undefined)));
  // wrtc's native threads would keep the process for seconds more: nothing is left to do.
  process.exit(0);
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'start') start(message);
  else if (message.type === 'stop') void stop();
});
// The parent went away: never linger.
process.on('disconnect', () => process.exit(0));
void send({ type: 'ready' });
