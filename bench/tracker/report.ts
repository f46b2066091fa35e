import type { LoadParams } from './args.js';
import type { ClusterResults } from './cluster-report.js';

/** p50/p99/max of a sample, ms. */
export interface Latency {
  count: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
}

/** Everything one run measured. */
export interface LoadResults {
  benchmark: 'tracker';
  generatedAt: string;
  complete: boolean;
  error?: string;
  params: LoadParams;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    node: string;
    openFilesLimit: string;
  };
  /** Most sockets the tracker reported at once (`/stats`). */
  maxConcurrentPeers: number;
  /** Sockets the tracker still held after the ramp and the hold. */
  heldAtEnd: number;
  /** CPU of all client processes during the ramp, cores (they share the machine with the tracker). */
  clientCpuCoresDuringRamp: number;
  /** Handshakes the kernel dropped on a full accept queue during the run (each costs a 1 s SYN retry). */
  listenOverflows: number;
  /** Busy cores of the whole machine during the ramp (tracker, clients and any other work). */
  machineBusyCoresDuringRamp: number;
  /** Clients that joined a swarm. */
  joined: number;
  errors: Record<string, number>;
  rampSeconds: number;
  /** Clients opened per second, as achieved. */
  achievedJoinRate: number;
  /** New WebSocket to its HTTP 101 (TCP connect, accept, upgrade). */
  upgrade: Latency;
  /** New WebSocket to `welcome` (upgrade plus the socket.io handshake and peer id). */
  connect: Latency;
  join: Latency;
  signal: Latency & { sent: number; acked: number };
  /** With several trackers (or Redis), these are all tracker processes together. */
  tracker: {
    rssBeforeMiB: number;
    rssPeakMiB: number;
    /** (peak RSS - RSS before) / max concurrent peers. */
    bytesPerPeer: number | null;
    /** Tracker CPU time / wall time during the ramp (1 = one core busy). */
    cpuCoresDuringRamp: number;
    /** Tracker CPU time during the ramp / clients joined, ms (connect + join + one signal each). */
    cpuMsPerJoin: number | null;
    /** Tracker CPU while everyone is connected and idle (pings only), cores. */
    cpuCoresHolding: number;
  };
  /** Cluster runs only: per-process figures, local vs cross-process relays, Redis. */
  cluster?: ClusterResults;
}

export function latency(values: number[]): Latency {
  if (values.length === 0) return { count: 0, p50: null, p99: null, max: null };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) =>
    round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  return {
    count: values.length,
    p50: at(0.5),
    p99: at(0.99),
    max: round(sorted[sorted.length - 1]!),
  };
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

const ms = (v: number | null) => (v === null ? 'n/a' : `${v} ms`);

/** The figures as label/value rows. */
export function rows(r: LoadResults): Array<[string, string]> {
  return [
    ['peers asked / join rate asked', `${r.params.peers} / ${r.params.joinRate} per s`],
    [
      'swarms / client processes / hold',
      `${r.params.swarms} / ${r.params.processes} / ${r.params.hold} s`,
    ],
    ['max concurrent peers held', String(r.maxConcurrentPeers)],
    ['peers still held at the end', String(r.heldAtEnd)],
    ['joined', String(r.joined)],
    ['errors', Object.keys(r.errors).length === 0 ? 'none' : JSON.stringify(r.errors)],
    ['ramp / achieved rate', `${r.rampSeconds} s / ${r.achievedJoinRate} per s`],
    ['websocket upgrade p50 / p99', `${ms(r.upgrade.p50)} / ${ms(r.upgrade.p99)}`],
    ['connect (to welcome) p50 / p99', `${ms(r.connect.p50)} / ${ms(r.connect.p99)}`],
    ['join ack p50 / p99', `${ms(r.join.p50)} / ${ms(r.join.p99)}`],
    [
      'signal relay p50 / p99',
      `${ms(r.signal.p50)} / ${ms(r.signal.p99)} (${r.signal.count} of ${r.signal.sent} arrived)`,
    ],
    ['tracker RSS before / peak', `${r.tracker.rssBeforeMiB} / ${r.tracker.rssPeakMiB} MiB`],
    [
      'memory per peer',
      r.tracker.bytesPerPeer === null ? 'n/a' : `${(r.tracker.bytesPerPeer / 1024).toFixed(1)} KiB`,
    ],
    ['tracker CPU during ramp', `${r.tracker.cpuCoresDuringRamp} cores`],
    [
      'tracker CPU per join',
      r.tracker.cpuMsPerJoin === null ? 'n/a' : `${r.tracker.cpuMsPerJoin} ms`,
    ],
    ['tracker CPU holding (idle peers)', `${r.tracker.cpuCoresHolding} cores`],
    ['client processes CPU during ramp', `${r.clientCpuCoresDuringRamp} cores`],
    [
      'machine busy during ramp (all work)',
      `${r.machineBusyCoresDuringRamp} of ${r.machine.cpus} cores`,
    ],
    ['accept queue overflows', String(r.listenOverflows)],
  ];
}

export function textTable(r: LoadResults): string {
  const width = Math.max(...rows(r).map(([k]) => k.length));
  return rows(r)
    .map(([k, v]) => `${k.padEnd(width)}  ${v}`)
    .join('\n');
}

const kib = (bytes: number | null | undefined) =>
  bytes === null || bytes === undefined ? 'n/a' : `${(bytes / 1024).toFixed(1)} KiB`;

/** One markdown row per run (older result files may lack the newer fields). */
export function markdownRow(r: LoadResults): string {
  const errors = Object.values(r.errors).reduce((a, b) => a + b, 0);
  const cpuPerJoin = r.tracker.cpuMsPerJoin == null ? 'n/a' : `${r.tracker.cpuMsPerJoin} ms`;
  return `| ${r.params.peers} @ ${r.params.joinRate}/s, ${r.params.processes} proc | ${r.maxConcurrentPeers} | ${r.heldAtEnd ?? 'n/a'} | ${r.achievedJoinRate}/s | ${ms(r.connect.p50)} / ${ms(r.connect.p99)} | ${ms(r.join.p50)} / ${ms(r.join.p99)} | ${ms(r.signal.p50)} / ${ms(r.signal.p99)} | ${kib(r.tracker.bytesPerPeer)} | ${r.tracker.rssPeakMiB} MiB | ${r.tracker.cpuCoresDuringRamp} / ${cpuPerJoin} | ${r.machineBusyCoresDuringRamp ?? 'n/a'} | ${errors} |`;
}

/** The latest run's markdown, with earlier complete runs of this results folder as more rows. */
export function markdown(r: LoadResults, earlier: LoadResults[] = []): string {
  const others = earlier.filter((e) => e.generatedAt !== r.generatedAt && e.complete);
  return `# Tracker capacity

Latest: ${r.generatedAt}, \`npm run bench:tracker -- --peers ${r.params.peers} --join-rate ${r.params.joinRate} --seconds ${r.params.seconds} --swarms ${r.params.swarms} --processes ${r.params.processes} --hold ${r.params.hold}\`
on ${r.machine.cpus} x ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}, open files limit ${r.machine.openFilesLimit}.
One tracker process (in-memory registry, run from source through tsx) and the client processes
share this machine over loopback. Each client is a bare WebSocket speaking the socket.io protocol
(bench/tracker/light-client.ts): it connects, joins one swarm and signals one peer from its join answer.${r.complete ? '' : `\n\n**Incomplete run:** ${r.error ?? 'stopped early'}`}

| run (peers @ join rate, client processes) | most peers held | held at end | joins/s achieved | connect p50 / p99 | join ack p50 / p99 | signal relay p50 / p99 | memory per peer | tracker RSS at peak | tracker CPU during ramp (cores) / per join | machine busy (cores, all work) | errors |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${[...others, r].map(markdownRow).join('\n')}

Memory per peer is (RSS at peak - RSS before the clients) / most peers held. CPU per join is the
tracker's CPU time during the ramp over clients joined (connect, join and one signal each).
"Machine busy" counts every process on the machine, including work that is not this benchmark's.
The open files limit caps one process's sockets (each peer is one descriptor in the tracker).

For comparison, published by wt-tracker: about 30k WSS peers on 1 vCPU / 2 GiB
(wt-tracker is a WebTorrent tracker over plain WebSockets; its figure is peers held,
not a latency, on different hardware).
`;
}
