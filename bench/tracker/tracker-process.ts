/**
 * The tracker processes of a load run (the real command, from source through
 * tsx, on 127.0.0.1) and what the bench reads about them from `/proc` and
 * `/stats`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Cluster mode settings shared by every tracker process of a run. */
export interface ClusterSettings {
  redisUrl: string;
  keyPrefix: string;
}

export interface TrackerProcess {
  child: ChildProcess;
  url: string;
}

/** A field of `/proc/<pid>/status` in bytes (VmRSS, ...). */
export function readStatus(pid: number, field: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return Number(/\d+/.exec(line ?? '')?.[0] ?? 0) * 1024;
}

/** CPU seconds (user + system) the process used so far. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Starts one tracker process on a free port; `register` sees the child at
 * once so it is killed whatever happens next.
 */
export async function startTracker(
  root: string,
  register: (child: ChildProcess) => void,
  cluster?: ClusterSettings,
): Promise<TrackerProcess> {
  const clusterArgs =
    cluster === undefined
      ? []
      : ['--redis-url', cluster.redisUrl, '--key-prefix', cluster.keyPrefix];
  const child = spawn(
    process.execPath,
    [
      '--conditions=@streamrp2p/source',
      '--import',
      'tsx',
      'packages/tracker/src/cli.ts',
      '--port',
      '0',
      // Every client comes from 127.0.0.1: lift the per-IP limit for the bench.
      '--max-peers-per-ip',
      '1000000',
      '--max-sockets-per-ip',
      '1000000',
      ...clusterArgs,
    ],
    {
      cwd: root,
      env: { ...process.env, DEBUG: '', REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  register(child);
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`tracker exited with ${code}: ${out}`)));
  });
  return { child, url };
}

/** The part of a tracker's `/stats` the bench reads. */
export interface TrackerStatsView {
  sockets: number;
  joinsTotal: number;
  signalsRelayedTotal: number;
}

/** `/stats` of one tracker; zeros when it does not answer (a saturated or dead tracker). */
export async function trackerStats(url: string): Promise<TrackerStatsView> {
  try {
    return (await (await fetch(`${url}/stats`)).json()) as TrackerStatsView;
  } catch {
    return { sockets: 0, joinsTotal: 0, signalsRelayedTotal: 0 };
  }
}

/** Resolves when the child has exited, or after `ms`. */
export function exited(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** One tracker process as the run samples it. */
export interface Sampled {
  url: string;
  pid: number;
  rssBefore: number;
  rssPeak: number;
  cpuBefore: number;
  cpuRamp: number;
  cpuHolding: number;
  socketsPeak: number;
}

export function sampleRss(procs: Sampled[]): void {
  for (const p of procs) p.rssPeak = Math.max(p.rssPeak, readStatus(p.pid, 'VmRSS'));
}

/** Polls every tracker's `/stats`; keeps each one's sockets at the peak of their sum. */
export async function pollSockets(procs: Sampled[], peak: number): Promise<number> {
  const stats = await Promise.all(procs.map((p) => trackerStats(p.url)));
  const sum = stats.reduce((n, s) => n + s.sockets, 0);
  if (sum > peak) procs.forEach((p, i) => (p.socketsPeak = stats[i]!.sockets));
  return Math.max(peak, sum);
}
