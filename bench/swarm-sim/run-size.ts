/**
 * One swarm size: a fresh demo stack (no coordinator, origin CDN emulation), N simulated
 * viewers spread over child processes and joining at a stagger, S seconds of playing after the
 * last join, then every child's figures together with the origin's counters.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startDemoStack } from '@streamrp2p/demo';
import { cpuBusyShare, readCpuTicks } from '../lib/machine.js';
import type { SimParams } from './args.js';
import type { ChildMessage, StartMessage, ViewerReport } from './messages.js';
import { summarize, type SizeResult } from './summary.js';

const CHILD = fileURLToPath(new URL('./viewer-process.ts', import.meta.url));
const READY_TIMEOUT_MS = 30_000;
const REPORT_TIMEOUT_MS = 20_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Children of the current run, killed on any exit path. */
export const liveChildren = new Set<ChildProcess>();

export function killChildren(): void {
  for (const child of liveChildren) child.kill('SIGKILL');
  liveChildren.clear();
}

function spawnChild(log: (line: string) => void): {
  child: ChildProcess;
  ready: Promise<void>;
  report: Promise<ChildReport>;
} {
  const child = fork(CHILD, [], {
    execArgv: ['--conditions=@streamrp2p/source', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, DEBUG: '' },
  });
  liveChildren.add(child);
  child.on('exit', () => liveChildren.delete(child));
  let onReady = () => {};
  let reported = false;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const report = new Promise<ChildReport>((resolve) => {
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') onReady();
      else if (message.type === 'report') {
        reported = true;
        resolve(message);
      } else if (message.type === 'progress') progressOf.set(child, message);
    });
    child.on('exit', (code, signal) => {
      if (!reported)
        log(`  a viewer process exited before reporting (code ${code}, signal ${signal})`);
      resolve(null);
    });
  });
  return { child, ready, report };
}

type ChildReport = Extract<ChildMessage, { type: 'report' }> | null;
const progressOf = new Map<ChildProcess, Extract<ChildMessage, { type: 'progress' }>>();

function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return Promise.race([promise, sleep(ms).then(() => fallback)]);
}

export async function runSize(
  size: number,
  params: SimParams,
  log: (line: string) => void,
): Promise<SizeResult> {
  const startedAt = new Date();
  const stack = await startDemoStack({
    coordinator: false,
    origin: { bandwidthKbps: params.bandwidthKbps, latencyMs: params.latencyMs },
    tracker: { maxPeersPerIpPerSwarm: size + 10, maxSocketsPerIp: size + 10 },
  });
  const children: ReturnType<typeof spawnChild>[] = [];
  try {
    const processes = Math.ceil(size / params.perProcess);
    for (let i = 0; i < processes; i += 1) children.push(spawnChild(log));
    const allReady = Promise.all(children.map((c) => c.ready)).then(() => true);
    if (!(await within(allReady, READY_TIMEOUT_MS, false))) {
      throw new Error('viewer processes did not start in time');
    }
    const t0 = Date.now() + 200;
    // Round robin, so consecutive joins land in different processes.
    const groups: StartMessage['viewers'][] = children.map(() => []);
    for (let k = 0; k < size; k += 1) {
      groups[k % processes]!.push({ id: `viewer${k + 1}`, joinAtMs: k * params.joinIntervalMs });
    }
    children.forEach(({ child }, i) => {
      const message: StartMessage = {
        type: 'start',
        trackerUrl: stack.trackerUrl,
        streamId: 'sim',
        playlistUrl: `${stack.origin.url}/live/${params.rendition}/index.m3u8`,
        t0,
        viewers: groups[i]!,
        maxPeers: params.maxPeers,
      };
      child.send(message);
    });
    const lastJoinMs = (size - 1) * params.joinIntervalMs;
    const cpuAll = readCpuTicks();
    const parentCpu = process.cpuUsage();
    await sleep(200 + lastJoinMs);
    log(
      `  ${size} viewers joined in ${(lastJoinMs / 1000).toFixed(1)} s; playing ${params.seconds} s`,
    );
    const cpuPlaying = readCpuTicks();
    let parentRss = process.memoryUsage().rss;
    for (let s = 10; s <= params.seconds; s += 10) {
      await sleep(10_000);
      parentRss = Math.max(parentRss, process.memoryUsage().rss);
      const progress = [...progressOf.values()];
      const p2p = progress.reduce((sum, p) => sum + p.p2pBytes, 0);
      const http = progress.reduce((sum, p) => sum + p.httpBytes, 0);
      const peers = progress.reduce((sum, p) => sum + p.peers, 0);
      log(
        `  t+${s}s: P2P ${((100 * p2p) / Math.max(1, p2p + http)).toFixed(1)}%, ` +
          `mean peers ${(peers / size).toFixed(1)}, down ${((p2p + http) / 1e6).toFixed(1)} MB`,
      );
    }
    await sleep((params.seconds % 10) * 1000);
    const cpuEnd = readCpuTicks();
    const parentCpuSeconds = (() => {
      const used = process.cpuUsage(parentCpu);
      return (used.user + used.system) / 1e6;
    })();
    children.forEach(({ child }) => child.connected && child.send({ type: 'stop' }));
    const reports = await Promise.all(
      children.map(async (c, i) => {
        const report = await within<ChildReport | 'late'>(c.report, REPORT_TIMEOUT_MS, 'late');
        if (report !== 'late') return report;
        log(`  viewer process ${i + 1} sent no report within ${REPORT_TIMEOUT_MS / 1000} s`);
        return null;
      }),
    );
    const viewers: ViewerReport[] = reports.flatMap((r) => r?.viewers ?? []);
    const origin = stack.origin.stats();
    return summarize({
      size,
      params,
      startedAt: startedAt.toISOString(),
      viewers,
      originBytesOf: (id) => origin.clients[id]?.segmentBytes ?? 0,
      originTotalSegmentBytes: origin.segmentBytes,
      missingProcesses: reports.filter((r) => r === null).length,
      processes: reports.map((r) =>
        r ? { cpuSeconds: r.cpuSeconds, maxRssMb: r.maxRssMb } : null,
      ),
      parent: { cpuSeconds: parentCpuSeconds, maxRssMb: Math.round(parentRss / 1e6) },
      cpuBusyPlaying: cpuBusyShare(cpuPlaying, cpuEnd),
      cpuBusyAll: cpuBusyShare(cpuAll, cpuEnd),
    });
  } finally {
    // Children exit on their own after reporting; whatever is left goes now.
    await sleep(500);
    for (const { child } of children) if (child.exitCode === null) child.kill('SIGKILL');
    progressOf.clear();
    await stack.close();
  }
}
