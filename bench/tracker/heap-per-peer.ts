/**
 * Tracker memory per peer, measured precisely: the tracker runs in this
 * process (so the V8 heap can be read after a full GC), driven by the same
 * light client processes as load.ts. RSS moves with GC timing; the heap after
 * a forced GC does not, so this is the figure to compare tracker changes by.
 *
 *   node --expose-gc --conditions=@streamrp2p/source --import tsx bench/tracker/heap-per-peer.ts [peers] [rate]
 *
 * Bounded: at most `peers` clients (default 5000) at `rate` per second
 * (default 1000), 60 s at most; the client processes are killed on the way out.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTracker } from '@streamrp2p/tracker';
import type { StartMessage } from './protocol.js';

const peers = Number(process.argv[2] ?? 5000);
const rate = Number(process.argv[3] ?? 1000);
const processes = Math.max(1, Math.ceil(peers / 10_000));
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined || !Number.isInteger(peers) || peers <= 0 || !(rate > 0)) {
  process.stderr.write('usage: node --expose-gc ... heap-per-peer.ts [peers] [rate]\n');
  process.exit(2);
}
const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));
setTimeout(() => {
  process.stderr.write('heap-per-peer: 60 s limit reached\n');
  process.exit(1);
}, 60_000).unref();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const settledHeap = async () => {
  await sleep(500);
  gc();
  await sleep(200);
  gc();
  return process.memoryUsage();
};

const tracker = createTracker({
  port: 0,
  maxPeersPerIpPerSwarm: 1_000_000,
  maxSocketsPerIp: 1_000_000,
});
const { url } = await tracker.start();
const before = await settledHeap();
for (let index = 0; index < processes; index++) {
  const child = fork(fileURLToPath(new URL('./client-worker.ts', import.meta.url)), [], {
    execArgv: ['--conditions=@streamrp2p/source', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  const share = Math.floor(peers / processes) + (index < peers % processes ? 1 : 0);
  child.send({
    type: 'start',
    urls: [url],
    index,
    workers: processes,
    peers: share,
    ratePerSecond: rate / processes,
    swarms: Math.max(1, Math.floor(peers / 50)),
    localAddress: `127.0.0.${index + 1}`,
    maxErrors: Math.max(20, Math.ceil(share * 0.01)),
  } satisfies StartMessage);
}
while ((await tracker.stats()).joinsTotal < peers) await sleep(200);
const after = await settledHeap();
const stats = await tracker.stats();
const per = (key: 'heapUsed' | 'external' | 'rss') =>
  Math.round((after[key] - before[key]) / stats.sockets);
process.stdout.write(
  `${JSON.stringify({ peers: stats.sockets, joins: stats.joinsTotal, heapUsedBytesPerPeer: per('heapUsed'), externalBytesPerPeer: per('external'), rssBytesPerPeer: per('rss') })}\n`,
);
process.exit(0);
