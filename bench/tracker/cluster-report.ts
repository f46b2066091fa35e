/**
 * Results and tables of cluster runs (`--trackers n` / `--redis url`): several
 * tracker processes sharing swarms through Redis. One-tracker runs keep
 * report.ts's output unchanged.
 */
import { round, type Latency, type LoadResults } from './report.js';
import type { RedisSnapshot } from './redis-probe.js';
import type { Sampled, TrackerStatsView } from './tracker-process.js';

/** One tracker process of a cluster run. */
export interface TrackerProcessResults {
  /** Sockets this process held at the peak of the sum over processes, and at the end. */
  socketsPeak: number;
  socketsAtEnd: number;
  /** This process's `/stats` counters at the end: joins it served, signals it relayed (sender side). */
  joins: number;
  signalsRelayed: number;
  rssBeforeMiB: number;
  rssPeakMiB: number;
  cpuCoresDuringRamp: number;
  cpuCoresHolding: number;
}

/** What Redis did during a cluster run (INFO deltas from before the clients to after the hold). */
export interface RedisResults {
  usedMemoryBeforeMiB: number;
  usedMemoryAfterMiB: number;
  /** (used_memory after the hold - before the clients) / peers held at the end. */
  bytesPerPeer: number | null;
  /** Redis CPU (user + sys) during the ramp, cores. */
  cpuCoresDuringRamp: number;
  /** Redis CPU from before the clients to after the hold / clients joined, ms. */
  cpuMsPerJoin: number | null;
  /** total_commands_processed delta / joined: commands run inside scripts count too. */
  commandsPerJoin: number | null;
  /** EVAL + EVALSHA calls / joined: the registry's round trips (connect, join, one signal, each). */
  scriptsPerJoin: number | null;
  /** PUBLISH calls / joined: socket.io adapter broadcasts (signals and peer-left). */
  publishesPerJoin: number | null;
  /** Calls of every command during the run. */
  calls: Record<string, number>;
}

export interface ClusterResults {
  trackers: TrackerProcessResults[];
  /** Signals whose sender and target used the same tracker process, and the others. */
  signalLocal: Latency;
  signalCross: Latency;
  redis: RedisResults;
  keyPrefix: string;
  /** Keys under the run's prefix deleted at the end (null when the cleanup failed). */
  keysDeleted: number | null;
}

/** Per-process figures from what the run sampled and each tracker's `/stats` at the end. */
export function processResults(
  procs: Sampled[],
  endStats: TrackerStatsView[],
  rampSeconds: number,
): TrackerProcessResults[] {
  return procs.map((p, i) => ({
    socketsPeak: p.socketsPeak,
    socketsAtEnd: endStats[i]!.sockets,
    joins: endStats[i]!.joinsTotal,
    signalsRelayed: endStats[i]!.signalsRelayedTotal,
    rssBeforeMiB: round(p.rssBefore / 2 ** 20),
    rssPeakMiB: round(p.rssPeak / 2 ** 20),
    cpuCoresDuringRamp: round(p.cpuRamp / rampSeconds, 2),
    cpuCoresHolding: round(p.cpuHolding, 3),
  }));
}

export function redisResults(
  before: RedisSnapshot,
  rampEnd: RedisSnapshot,
  after: RedisSnapshot,
  rampSeconds: number,
  joined: number,
  heldAtEnd: number,
): RedisResults {
  const calls: Record<string, number> = {};
  for (const [name, n] of Object.entries(after.calls)) {
    const delta = n - (before.calls[name] ?? 0);
    if (delta > 0) calls[name] = delta;
  }
  const perJoin = (n: number, digits = 2) => (joined === 0 ? null : round(n / joined, digits));
  const mib = (bytes: number) => round(bytes / 2 ** 20);
  return {
    usedMemoryBeforeMiB: mib(before.usedMemory),
    usedMemoryAfterMiB: mib(after.usedMemory),
    bytesPerPeer:
      heldAtEnd === 0 ? null : Math.round((after.usedMemory - before.usedMemory) / heldAtEnd),
    cpuCoresDuringRamp: round((rampEnd.cpuSeconds - before.cpuSeconds) / rampSeconds, 2),
    cpuMsPerJoin: perJoin((after.cpuSeconds - before.cpuSeconds) * 1000, 3),
    commandsPerJoin: perJoin(after.totalCommands - before.totalCommands, 1),
    scriptsPerJoin: perJoin((calls.eval ?? 0) + (calls.evalsha ?? 0)),
    publishesPerJoin: perJoin(calls.publish ?? 0),
    calls,
  };
}

const ms = (v: number | null) => (v === null ? 'n/a' : `${v} ms`);
const kib = (bytes: number | null | undefined) =>
  bytes === null || bytes === undefined ? 'n/a' : `${(bytes / 1024).toFixed(1)} KiB`;
const na = (v: number | null, unit = '') => (v === null ? 'n/a' : `${v}${unit}`);
const errorCount = (r: LoadResults) => Object.values(r.errors).reduce((a, b) => a + b, 0);

/** Share of arrived signals that crossed processes, e.g. `2345 / 4900 (48%)`. */
function crossShare(c: ClusterResults): string {
  const all = c.signalLocal.count + c.signalCross.count;
  return `${c.signalCross.count} / ${all} (${all === 0 ? 0 : Math.round((c.signalCross.count / all) * 100)}%)`;
}

/** The cluster figures as label/value rows (printed after the one-tracker rows). */
export function clusterRows(r: LoadResults, c: ClusterResults): Array<[string, string]> {
  const out: Array<[string, string]> = [
    ['tracker processes / Redis key prefix', `${c.trackers.length} / ${c.keyPrefix}`],
    ['signals crossing processes', crossShare(c)],
    ['relay local p50 / p99', `${ms(c.signalLocal.p50)} / ${ms(c.signalLocal.p99)}`],
    ['relay cross-process p50 / p99', `${ms(c.signalCross.p50)} / ${ms(c.signalCross.p99)}`],
  ];
  c.trackers.forEach((t, i) => {
    out.push([
      `tracker ${i}: peers peak / end, joins, relays`,
      `${t.socketsPeak} / ${t.socketsAtEnd}, ${t.joins}, ${t.signalsRelayed}`,
    ]);
    out.push([
      `tracker ${i}: RSS before / peak, CPU ramp / hold`,
      `${t.rssBeforeMiB} / ${t.rssPeakMiB} MiB, ${t.cpuCoresDuringRamp} / ${t.cpuCoresHolding} cores`,
    ]);
  });
  const x = c.redis;
  out.push(
    [
      'Redis used_memory before / after',
      `${x.usedMemoryBeforeMiB} / ${x.usedMemoryAfterMiB} MiB (${kib(x.bytesPerPeer)} per peer)`,
    ],
    [
      'Redis CPU during ramp / per join',
      `${x.cpuCoresDuringRamp} cores / ${na(x.cpuMsPerJoin, ' ms')}`,
    ],
    [
      'Redis commands / scripts / PUBLISH per join',
      `${na(x.commandsPerJoin)} / ${na(x.scriptsPerJoin)} / ${na(x.publishesPerJoin)}`,
    ],
    ['Redis keys deleted at the end', na(c.keysDeleted)],
  );
  return out;
}

export function clusterTextTable(rows: Array<[string, string]>): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

function runLabel(r: LoadResults): string {
  const n = r.params.trackers;
  return `${r.params.peers} @ ${r.params.joinRate}/s, ${n} tracker${n === 1 ? '' : 's'}`;
}

/** One markdown row per cluster run. */
export function clusterMarkdownRow(r: LoadResults): string {
  const c = r.cluster!;
  const perTracker = c.trackers.map((t) => t.socketsPeak).join(' + ');
  const rss = c.trackers.map((t) => t.rssPeakMiB).join(' / ');
  const cpu = c.trackers.map((t) => t.cpuCoresDuringRamp).join(' / ');
  const x = c.redis;
  return `| ${runLabel(r)} | ${r.maxConcurrentPeers} (${perTracker}) | ${r.achievedJoinRate}/s | ${ms(r.join.p50)} / ${ms(r.join.p99)} | ${ms(c.signalLocal.p50)} / ${ms(c.signalLocal.p99)} | ${ms(c.signalCross.p50)} / ${ms(c.signalCross.p99)} | ${crossShare(c)} | ${rss} MiB | ${cpu} / ${na(r.tracker.cpuMsPerJoin, ' ms')} | ${x.usedMemoryAfterMiB - x.usedMemoryBeforeMiB >= 0 ? '+' : ''}${round(x.usedMemoryAfterMiB - x.usedMemoryBeforeMiB)} MiB (${kib(x.bytesPerPeer)}) | ${x.cpuCoresDuringRamp} / ${na(x.cpuMsPerJoin, ' ms')} | ${na(x.commandsPerJoin)} / ${na(x.scriptsPerJoin)} / ${na(x.publishesPerJoin)} | ${r.machineBusyCoresDuringRamp} | ${errorCount(r)} |`;
}

/** The latest cluster run's markdown, with earlier complete cluster runs as more rows. */
export function clusterMarkdown(r: LoadResults, earlier: LoadResults[] = []): string {
  const others = earlier.filter((e) => e.generatedAt !== r.generatedAt && e.complete && e.cluster);
  const p = r.params;
  return `# Tracker cluster mode

Latest: ${r.generatedAt}, \`npm run bench:tracker -- --peers ${p.peers} --join-rate ${p.joinRate} --seconds ${p.seconds} --swarms ${p.swarms} --processes ${p.processes} --hold ${p.hold} --trackers ${p.trackers} --redis ${p.redis ?? ''}\`
on ${r.machine.cpus} x ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}, open files limit ${r.machine.openFilesLimit}.
Tracker processes in cluster mode (Redis swarm registry and peer directory, @socket.io/redis-adapter;
the real command run from source through tsx), one Redis, and the client processes share this
machine over loopback. Clients of each swarm are spread over the trackers round robin; each joins
and signals one peer from its join answer, which is on another tracker (n - 1) / n of the time.${r.complete ? '' : `\n\n**Incomplete run:** ${r.error ?? 'stopped early'}`}

| run (peers @ join rate, trackers) | most peers held (per tracker) | joins/s achieved | join ack p50 / p99 | relay local p50 / p99 | relay cross-process p50 / p99 | relays crossing | tracker RSS at peak | tracker CPU during ramp (cores, each) / per join (all) | Redis memory (per peer) | Redis CPU during ramp (cores) / per join | Redis commands / scripts / PUBLISH per join | machine busy (cores, all work) | errors |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${[...others, ...(r.cluster === undefined ? [] : [r])].map(clusterMarkdownRow).join('\n')}

Per join means per client over the whole run: connect (peer id claim), join (insert and a random
sample), one signal (membership check, target lookup, the adapter's PUBLISH) and, for Redis, the
hold after the ramp. Redis commands count the commands run inside the Lua scripts; scripts are
the registry's round trips. Redis memory is used_memory after the hold minus before the clients.
"Machine busy" counts every process on the machine, including work that is not this benchmark's:
with 2 cores shared by trackers, Redis and clients, latency tails are the machine's.
`;
}
