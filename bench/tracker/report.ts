import type { LoadParams } from './args.js';

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
  /** Clients that joined a swarm. */
  joined: number;
  errors: Record<string, number>;
  rampSeconds: number;
  /** Clients opened per second, as achieved. */
  achievedJoinRate: number;
  connect: Latency;
  join: Latency;
  signal: Latency & { sent: number; acked: number };
  tracker: {
    rssBeforeMiB: number;
    rssPeakMiB: number;
    /** (peak RSS - RSS before) / max concurrent peers. */
    bytesPerPeer: number | null;
    /** Tracker CPU time / wall time during the ramp (1 = one core busy). */
    cpuCoresDuringRamp: number;
  };
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
    ['swarms / client processes', `${r.params.swarms} / ${r.params.processes}`],
    ['max concurrent peers held', String(r.maxConcurrentPeers)],
    ['joined', String(r.joined)],
    ['errors', Object.keys(r.errors).length === 0 ? 'none' : JSON.stringify(r.errors)],
    ['ramp / achieved rate', `${r.rampSeconds} s / ${r.achievedJoinRate} per s`],
    ['connect p50 / p99', `${ms(r.connect.p50)} / ${ms(r.connect.p99)}`],
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
  ];
}

export function textTable(r: LoadResults): string {
  const width = Math.max(...rows(r).map(([k]) => k.length));
  return rows(r)
    .map(([k, v]) => `${k.padEnd(width)}  ${v}`)
    .join('\n');
}

/** One markdown row per run, for the comparison with wt-tracker. */
export function markdownRow(r: LoadResults): string {
  const perPeer =
    r.tracker.bytesPerPeer === null ? 'n/a' : `${(r.tracker.bytesPerPeer / 1024).toFixed(1)} KiB`;
  return `| ${r.params.peers} @ ${r.params.joinRate}/s | ${r.maxConcurrentPeers} | ${ms(r.join.p50)} / ${ms(r.join.p99)} | ${ms(r.signal.p50)} / ${ms(r.signal.p99)} | ${perPeer} | ${r.tracker.rssPeakMiB} MiB | ${r.tracker.cpuCoresDuringRamp} | ${Object.values(r.errors).reduce((a, b) => a + b, 0)} |`;
}

/** The latest run's markdown, with earlier complete runs of this machine as more rows. */
export function markdown(r: LoadResults, earlier: LoadResults[] = []): string {
  const others = earlier.filter((e) => e.generatedAt !== r.generatedAt && e.complete);
  return `# Tracker capacity

Latest: ${r.generatedAt}, \`npm run bench:tracker -- --peers ${r.params.peers} --join-rate ${r.params.joinRate} --seconds ${r.params.seconds} --swarms ${r.params.swarms} --processes ${r.params.processes}\`
on ${r.machine.cpus} x ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}, open files limit ${r.machine.openFilesLimit}.
One tracker process (in-memory registry) and the client processes share this machine over loopback;
each client connects, joins one swarm and signals one peer from its join answer.${r.complete ? '' : `\n\n**Incomplete run:** ${r.error ?? 'stopped early'}`}

| run (peers @ join rate) | max concurrent peers | join ack p50 / p99 | signal relay p50 / p99 | memory per peer | tracker RSS at peak | tracker CPU (cores) | errors |
| --- | --- | --- | --- | --- | --- | --- | --- |
${[...others, r].map(markdownRow).join('\n')}

For comparison, published by wt-tracker: about 30k WSS peers on 1 vCPU / 2 GiB
(wt-tracker is a WebTorrent tracker over plain WebSockets; its figure is peers held,
not a latency, on different hardware).
`;
}
