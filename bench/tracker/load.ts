/**
 * Tracker load generator: one tracker process (the real command, loopback
 * only) driven by socket.io clients from separate client processes. Measures
 * the most concurrent peers held, connect / join ack / signal relay latency
 * p50 and p99 at a given join rate, and tracker memory per peer. With
 * `--trackers n` (or `--redis url`) it runs n tracker processes in cluster
 * mode on one Redis and adds per-process, cross-process relay and Redis figures.
 *
 *   npm run bench:tracker -- --peers 5000 --join-rate 500 --seconds 120
 *   npm run bench:tracker -- --peers 5000 --join-rate 300 --seconds 90 --trackers 3
 *
 * Bounded: at most --peers clients, a hard --seconds limit, and every child
 * process is killed on the way out, whatever happens.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { HELP, parseLoadArgs, UsageError, type LoadParams } from './args.js';
import { collect, startWorkers } from './client-workers.js';
import { processResults, redisResults } from './cluster-report.js';
import { listenOverflows, machineCpu } from './machine-stats.js';
import type { ParentMessage } from './protocol.js';
import { RedisProbe, type RedisSnapshot } from './redis-probe.js';
import { latency, round, type LoadResults } from './report.js';
import { emptyResults, report, write } from './result-files.js';
import {
  cpuSeconds,
  exited,
  pollSockets,
  readStatus,
  sampleRss,
  startTracker,
  trackerStats,
  type ClusterSettings,
  type Sampled,
} from './tracker-process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const children = new Set<ChildProcess>();

function killAll(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
}
process.on('exit', killAll);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Where the run's Redis figures come from (cluster mode only). */
interface RedisSide {
  probe: RedisProbe;
  settings: ClusterSettings;
}

async function run(
  params: LoadParams,
  results: LoadResults,
  deadline: number,
  redis: RedisSide | undefined,
): Promise<void> {
  const trackers = await Promise.all(
    Array.from({ length: params.trackers }, () =>
      startTracker(root, (child) => children.add(child), redis?.settings),
    ),
  );
  await sleep(1000);
  const procs: Sampled[] = trackers.map(({ child, url }) => {
    const pid = child.pid!;
    const rss = readStatus(pid, 'VmRSS');
    const cpu = cpuSeconds(pid);
    return {
      url,
      pid,
      rssBefore: rss,
      rssPeak: rss,
      cpuBefore: cpu,
      cpuRamp: 0,
      cpuHolding: 0,
      socketsPeak: 0,
    };
  });
  const redisBefore = await redis?.probe.snapshot();
  const rampStart = Date.now();
  const overflowsBefore = listenOverflows();
  const machineBefore = machineCpu();
  const workers = startWorkers(
    root,
    params,
    trackers.map((t) => t.url),
    (child) => children.add(child),
  );
  const workersCpu = () =>
    workers.reduce((n, w) => n + (w.child.exitCode === null ? cpuSeconds(w.child.pid!) : 0), 0);
  let peak = 0;
  const log = setInterval(() => {
    const opened = workers.reduce((n, w) => n + (w.progress?.opened ?? 0), 0);
    const joined = workers.reduce((n, w) => n + (w.progress?.joined ?? 0), 0);
    const errors = workers.reduce((n, w) => n + (w.progress?.errors ?? 0), 0);
    process.stdout.write(
      `  opened ${opened}, joined ${joined}, errors ${errors}, tracker sockets ${peak}\n`,
    );
  }, 5000);
  try {
    while (Date.now() < deadline - 15_000) {
      peak = await pollSockets(procs, peak);
      sampleRss(procs);
      if (workers.every((w) => w.progress?.done)) break;
      if (workers.some((w) => w.child.exitCode !== null))
        throw new Error('a client process exited');
      await sleep(250);
    }
  } finally {
    clearInterval(log);
  }
  const rampSeconds = (Date.now() - rampStart) / 1000;
  for (const p of procs) p.cpuRamp = cpuSeconds(p.pid) - p.cpuBefore;
  const clientCpu = workersCpu();
  const machineAfter = machineCpu();
  const redisRampEnd = await redis?.probe.snapshot();
  // Busy cores of the whole machine during the ramp; minus ours, what other work used.
  const machineCores =
    ((machineAfter.busy - machineBefore.busy) /
      Math.max(1, machineAfter.total - machineBefore.total)) *
    cpus().length;
  // Let the last signals arrive, hold everyone connected (pings must be answered), then
  // measure the trackers at rest.
  const holdUntil = Math.min(Date.now() + 2000 + params.hold * 1000, deadline - 12_000);
  const cpuHoldStart = procs.map((p) => cpuSeconds(p.pid));
  const holdStart = Date.now();
  while (Date.now() < holdUntil) {
    sampleRss(procs);
    await sleep(500);
  }
  const holdSeconds = Math.max(0.001, (Date.now() - holdStart) / 1000);
  procs.forEach((p, i) => (p.cpuHolding = (cpuSeconds(p.pid) - cpuHoldStart[i]!) / holdSeconds));
  const endStats = await Promise.all(procs.map((p) => trackerStats(p.url)));
  const held = endStats.reduce((n, s) => n + s.sockets, 0);
  peak = await pollSockets(procs, peak);
  sampleRss(procs);
  const redisAfter = await redis?.probe.snapshot();
  const parts = await collect(workers, 10_000);
  const all = <
    K extends 'upgradeMs' | 'connectMs' | 'joinMs' | 'signalMs' | 'signalLocalMs' | 'signalCrossMs',
  >(
    key: K,
  ) => parts.flatMap((p) => p[key]);
  const errors: Record<string, number> = {};
  for (const p of parts)
    for (const [k, v] of Object.entries(p.errors)) errors[k] = (errors[k] ?? 0) + v;
  const joined = all('joinMs').length;
  const sum = (f: (p: Sampled) => number) => procs.reduce((n, p) => n + f(p), 0);
  const cpu = sum((p) => p.cpuRamp);
  const rssBefore = sum((p) => p.rssBefore);
  const rssPeak = sum((p) => p.rssPeak);
  Object.assign(results, {
    complete: parts.length === workers.length && Date.now() < deadline,
    maxConcurrentPeers: peak,
    heldAtEnd: held,
    joined,
    errors,
    rampSeconds: round(rampSeconds),
    achievedJoinRate: round(joined / rampSeconds, 0),
    upgrade: latency(all('upgradeMs')),
    connect: latency(all('connectMs')),
    join: latency(all('joinMs')),
    signal: {
      ...latency(all('signalMs')),
      sent: parts.reduce((n, p) => n + p.signalsSent, 0),
      acked: parts.reduce((n, p) => n + p.signalAcksOk, 0),
    },
    tracker: {
      rssBeforeMiB: round(rssBefore / 2 ** 20),
      rssPeakMiB: round(rssPeak / 2 ** 20),
      bytesPerPeer: peak === 0 ? null : Math.round((rssPeak - rssBefore) / peak),
      cpuCoresDuringRamp: round(cpu / rampSeconds, 2),
      cpuMsPerJoin: joined === 0 ? null : round((cpu * 1000) / joined, 3),
      cpuCoresHolding: round(
        sum((p) => p.cpuHolding),
        3,
      ),
    },
    clientCpuCoresDuringRamp: round(clientCpu / rampSeconds, 2),
    listenOverflows: listenOverflows() - overflowsBefore,
    machineBusyCoresDuringRamp: round(machineCores, 2),
  } satisfies Partial<LoadResults>);
  if (redis !== undefined) {
    results.cluster = {
      trackers: processResults(procs, endStats, rampSeconds),
      signalLocal: latency(all('signalLocalMs')),
      signalCross: latency(all('signalCrossMs')),
      redis: redisResults(
        redisBefore as RedisSnapshot,
        redisRampEnd as RedisSnapshot,
        redisAfter as RedisSnapshot,
        rampSeconds,
        joined,
        held,
      ),
      keyPrefix: redis.settings.keyPrefix,
      keysDeleted: null,
    };
  }
  for (const w of workers) w.child.send({ type: 'stop' } satisfies ParentMessage);
  await sleep(500);
}
/**
 * Rejects on the first SIGINT or SIGTERM (so the run is cleaned up); another one more than a
 * second later exits at once. Repeats within that second are ignored: Ctrl-C reaches this
 * process from the terminal and again through tsx, which relays signals to its child.
 */
function interruption(): Promise<never> {
  return new Promise((_, reject) => {
    let first: number | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      if (first !== undefined) {
        if (Date.now() - first > 1000) process.exit(130);
        return;
      }
      first = Date.now();
      process.stderr.write(`bench:tracker: ${signal}, cleaning up (again to exit at once)\n`);
      reject(new Error(`interrupted by ${signal}`));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** Kills every child, waits for the trackers to be gone, then deletes the run's Redis keys. */
async function cleanUp(results: LoadResults, redis: RedisSide | undefined): Promise<void> {
  killAll();
  await Promise.all([...children].map((child) => exited(child, 5000)));
  if (redis === undefined) return;
  try {
    const deleted = await redis.probe.deletePrefix(redis.settings.keyPrefix);
    if (results.cluster !== undefined) results.cluster.keysDeleted = deleted;
    else process.stdout.write(`deleted ${deleted} Redis keys under ${redis.settings.keyPrefix}\n`);
  } catch (err) {
    process.stderr.write(
      `bench:tracker: could not delete Redis keys ${redis.settings.keyPrefix}*: ${String(err)}\n`,
    );
  } finally {
    redis.probe.close();
  }
}

async function main(): Promise<number> {
  let params: LoadParams | undefined;
  try {
    params = parseLoadArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`bench:tracker: ${err.message}\n${HELP}`);
    return 2;
  }
  if (params === undefined) {
    process.stdout.write(HELP);
    return 0;
  }
  const results = emptyResults(params);
  const deadline = Date.now() + params.seconds * 1000;
  const cluster =
    params.redis === undefined
      ? ''
      : `, ${params.trackers} tracker(s) in cluster mode on ${params.redis}`;
  process.stdout.write(
    `bench:tracker: ${params.peers} peers at ${params.joinRate}/s over ${params.swarms} swarms, ` +
      `${params.processes} client process(es), hold ${params.hold} s, limit ${params.seconds} s, open files ${results.machine.openFilesLimit}${cluster}\n`,
  );
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(
      () => reject(new Error(`hard limit of ${params.seconds} s reached`)),
      params.seconds * 1000,
    ).unref(),
  );
  let code = 0;
  let redis: RedisSide | undefined;
  try {
    if (params.redis !== undefined) {
      // A fresh prefix per run: nothing of another run (or deployment) is read or deleted.
      const keyPrefix = `streamrp2p:bench:${randomBytes(6).toString('hex')}:`;
      redis = {
        probe: await RedisProbe.open(params.redis),
        settings: { redisUrl: params.redis, keyPrefix },
      };
    }
    await Promise.race([run(params, results, deadline, redis), timeout, interruption()]);
  } catch (err) {
    results.complete = false;
    results.error = err instanceof Error ? err.message : String(err);
    code = 1;
  } finally {
    await cleanUp(results, redis);
  }
  const written = write(root, results, params.out);
  process.stdout.write(`\n${report(results)}\n\nwrote ${written}\n`);
  if (results.error !== undefined) process.stderr.write(`bench:tracker: ${results.error}\n`);
  return code;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `bench:tracker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    killAll();
    process.exit(1);
  },
);
