/**
 * What the benchmark prints and writes as Markdown: a per-viewer table and a summary per
 * trial, then one comparison row per engine (median and min–max spread over repetitions).
 */
import type { SwarmParams } from './args.js';
import { PROCESS_KINDS } from './browser-cpu.js';
import { engineByName } from './engines.js';
import { formatSecondsByLevel } from './levels.js';
import type { MachineInfo } from './machine.js';
import { median, medianRatio, type MedianRatio } from './stats.js';
import type { ComparedFigure, EngineSummary, Spread, TrialResult } from './results.js';
import type { Table } from './table.js';

const MB = 1e6;

const mb = (bytes: number) => (bytes / MB).toFixed(2);
const pct = (share: number | null) => (share === null ? '–' : `${(share * 100).toFixed(1)}%`);
const ms = (value: number | null) => (value === null ? '–' : String(Math.round(value)));
const secs = (value: number) => value.toFixed(1);
const orDash = <T>(value: T | null, format: (value: T) => string) =>
  value === null ? '–' : format(value);

export function viewerTable(trial: TrialResult): Table {
  const p2p = engineByName(trial.engine).trafficExpression !== null;
  return {
    headers: [
      'viewer',
      'join s',
      'level',
      'origin MB',
      'http MB',
      'p2p MB',
      'up MB',
      'p2p %',
      'peers',
      'startup ms',
      'stalls',
      'stall s',
      'played s',
      'seconds by level',
      'kb/s',
      'switches',
      'levels',
      'latency s',
      'problem',
    ],
    rows: trial.viewers.map((v) => [
      v.viewer,
      v.joinedAtMs === null ? '–' : secs(v.joinedAtMs / 1000),
      v.level ?? '–',
      mb(v.originSegmentBytes),
      mb(v.httpBytes),
      p2p ? mb(v.p2pBytes) : '–',
      p2p ? mb(v.uploadedBytes) : '–',
      p2p ? pct(v.p2pShare) : '–',
      p2p ? String(v.peers) : '–',
      ms(v.startupMs),
      String(v.stalls),
      secs(v.stallSeconds) + (v.stalledAtEnd ? '*' : ''),
      secs(v.playedSeconds),
      formatSecondsByLevel(v.secondsByLevel),
      orDash(v.avgBitrateKbps, String),
      String(v.levelSwitches),
      v.switchSequence || '–',
      orDash(v.latencySeconds, secs),
      v.joinError ?? v.fatalError ?? (v.startupMs === null ? 'never started' : ''),
    ]),
    textColumns: [2, 13, 16, 18],
  };
}

export function trialSummary(trial: TrialResult): string {
  const o = trial.overall;
  const lines = [
    `origin segment bytes ${mb(o.originSegmentBytes)} MB for ${o.viewers} viewers ` +
      `(avg viewer download ${mb(o.avgViewerDownloadBytes)} MB; origin = ` +
      `${o.originVsAllHttp === null ? '–' : o.originVsAllHttp.toFixed(2)} x N x avg, ideal ${(1 / o.viewers).toFixed(2)})`,
    `P2P share ${pct(o.p2pShare)} (ideal (N-1)/N = ${pct(o.idealShare)}); p2p ${mb(o.p2pBytes)} MB, ` +
      `http ${mb(o.httpBytes)} MB, uploaded ${mb(o.uploadedBytes)} MB`,
    `startup median ${ms(o.startupMedianMs)} ms, max ${ms(o.startupMaxMs)} ms; ` +
      `stalls ${o.stalls} (${secs(o.stallSeconds)} s); failed viewers ${o.viewersFailed}; ` +
      `CPU busy ${pct(o.cpuBusy)} (servers' process ${pct(o.serverCpu)}); pages' media appends ` +
      `${ms(o.appendGapMs)} ms from another page's (median)`,
    `played (median viewer): ${formatSecondsByLevel(o.secondsByLevel)}, ` +
      `${orDash(o.avgBitrateKbps, String)} kb/s, level switches ${orDash(o.levelSwitches, String)}, ` +
      `latency ${orDash(o.latencySeconds, secs)} s behind the live edge`,
  ];
  if (o.indexerSegmentBytes > 0) {
    lines.push(
      `indexer: the coordinator fetched ${mb(o.indexerSegmentBytes)} MB of segments to compute their Merkle roots (once per rendition, not counted above)`,
    );
  }
  if (o.anonymousSegmentBytes > 0) {
    lines.push(`note: ${mb(o.anonymousSegmentBytes)} MB of segments went out without a client id`);
  }
  if (Math.abs(o.originMinusReportedHttp) > 0) {
    lines.push(
      `note: origin sent ${mb(o.originMinusReportedHttp)} MB more segment bytes than the engine reports as HTTP`,
    );
  }
  const join = o.joinCpu;
  if (join !== null) {
    const kinds = join.byProcess
      ? PROCESS_KINDS.map((kind) => `${kind} ${pct(join.byProcess![kind])}`).join(', ')
      : 'not read';
    lines.push(
      `while viewers joined (${secs(join.seconds)} s to the last one's start): CPU busy ` +
        `${pct(join.busy)}, servers' process ${pct(join.servers)}; Chromium: ${kinds}`,
    );
  }
  const busy = median(
    trial.viewers
      .filter((v) => v.mainThread !== null && v.playedSeconds > 0)
      .map((v) => v.mainThread!.taskSeconds / v.playedSeconds),
  );
  if (busy !== null) {
    lines.push(`page main thread busy (median viewer): ${pct(busy)} of the time played`);
  }
  const reasons = httpReasons(trial);
  if (reasons) lines.push(`HTTP segments by reason: ${JSON.stringify(reasons)}`);
  const repeats = repeatedHttp(trial);
  if (repeats) {
    lines.push(
      `segments over HTTP more than once: ${repeats.segments} (${repeats.copies} extra copies; ` +
        `reasons of all their HTTP copies ${JSON.stringify(repeats.reasons)})`,
    );
  }
  return lines.join('\n');
}

/**
 * Segments (rendition and sequence) that more than one viewer fetched over HTTP, from the
 * engine's segment log (`ms:rendition#sequence:source[:reason][<uploader]`): the copies the
 * origin served beyond the ideal one per segment, and why each was fetched.
 */
export function repeatedHttp(
  trial: TrialResult,
): { segments: number; copies: number; reasons: Record<string, number> } | undefined {
  const fetched = new Map<string, string[]>();
  let found = false;
  for (const viewer of trial.viewers) {
    const log = (viewer.diagnostics as { segments?: unknown } | null)?.segments;
    if (!Array.isArray(log)) continue;
    found = true;
    for (const entry of log) {
      const [, key, source, reason] = String(entry).split('<')[0]!.split(':');
      if (source !== 'http' || key === undefined) continue;
      fetched.set(key, [...(fetched.get(key) ?? []), reason ?? '?']);
    }
  }
  if (!found) return undefined;
  const repeated = [...fetched.values()].filter((reasons) => reasons.length > 1);
  return {
    segments: repeated.length,
    copies: repeated.reduce((sum, reasons) => sum + reasons.length - 1, 0),
    reasons: countReasons(repeated.flat()),
  };
}

function countReasons(reasons: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const why of reasons) counts[why] = (counts[why] ?? 0) + 1;
  return counts;
}

/** The engine's reasons for HTTP downloads, summed over viewers, when its page reports them. */
function httpReasons(trial: TrialResult): Record<string, number> | undefined {
  let found = false;
  const counts: Record<string, number> = {};
  for (const viewer of trial.viewers) {
    const reasons = (viewer.diagnostics as { httpReasons?: Record<string, number> } | null)
      ?.httpReasons;
    if (!reasons) continue;
    found = true;
    for (const [why, n] of Object.entries(reasons)) counts[why] = (counts[why] ?? 0) + n;
  }
  return found ? counts : undefined;
}

const FIGURE_COLUMNS: {
  figure: ComparedFigure;
  header: string;
  format: (value: number) => string;
}[] = [
  { figure: 'viewersFailed', header: 'failed', format: (v) => String(v) },
  { figure: 'originSegmentBytes', header: 'origin MB', format: mb },
  { figure: 'p2pShare', header: 'P2P share', format: pct },
  { figure: 'idealShare', header: 'ideal', format: pct },
  { figure: 'originVsAllHttp', header: 'origin/(N x avg)', format: (v) => v.toFixed(2) },
  { figure: 'uploadedBytes', header: 'uploaded MB', format: mb },
  { figure: 'uploadedBytesPerViewer', header: 'up/viewer MB', format: mb },
  { figure: 'startupMedianMs', header: 'startup med ms', format: ms },
  { figure: 'startupMaxMs', header: 'startup max ms', format: ms },
  { figure: 'stalls', header: 'stalls', format: (v) => String(v) },
  { figure: 'stallSeconds', header: 'stall s', format: secs },
  { figure: 'avgBitrateKbps', header: 'kb/s', format: (v) => String(Math.round(v)) },
  { figure: 'levelSwitches', header: 'switches', format: (v) => String(v) },
  { figure: 'latencySeconds', header: 'latency s', format: secs },
  { figure: 'cpuBusy', header: 'CPU busy', format: pct },
  { figure: 'serverCpu', header: 'of it servers', format: pct },
  { figure: 'appendGapMs', header: 'append gap ms', format: ms },
  { figure: 'joinCpuBusy', header: 'joins: CPU busy', format: pct },
  { figure: 'joinRendererCpu', header: 'joins: renderers', format: pct },
  { figure: 'joinBrowserCpu', header: 'joins: browser process', format: pct },
  { figure: 'joinNetworkCpu', header: 'joins: network service', format: pct },
];

function spread(value: Spread, format: (value: number) => string, repeated: boolean): string {
  if (value.median === null) return '–';
  if (!repeated || value.min === value.max) return format(value.median);
  return `${format(value.median)} (${format(value.min!)}–${format(value.max!)})`;
}

export function comparisonTable(summaries: Record<string, EngineSummary>): Table {
  return {
    headers: [
      'engine',
      'trials',
      ...FIGURE_COLUMNS.map((column) => column.header),
      'seconds by level',
    ],
    rows: Object.entries(summaries).map(([engine, summary]) => [
      engine,
      String(summary.trials),
      ...FIGURE_COLUMNS.map((column) =>
        spread(summary[column.figure], column.format, summary.trials > 1),
      ),
      formatSecondsByLevel(summary.secondsByLevel),
    ]),
    textColumns: [FIGURE_COLUMNS.length + 2],
  };
}

/** What each engine runs with: the page, its hls.js settings, its P2P settings. */
export function engineSettingsTable(params: SwarmParams): Table {
  return {
    headers: ['engine', 'what runs', 'hls.js', 'P2P'],
    rows: params.engines.map((name) => {
      const engine = engineByName(name);
      const hls = `liveSyncDurationCount ${params.liveSync} (--live-sync), ${engine.hlsSettings}`;
      return [engine.name, engine.label, hls, engine.p2pSettings];
    }),
    textColumns: [1, 2, 3],
  };
}

export function parameterLine(params: SwarmParams, machine: MachineInfo | null): string {
  const run =
    `${params.peers} viewers, ${params.seconds} s after the last join, join every ` +
    `${params.joinIntervalMs} ms, origin ${params.bandwidthKbps} kbit/s per connection + ` +
    `${params.latencyMs} ms, ${params.stream} stream, live sync ${params.liveSync} segments, ` +
    `CPU load ${params.cpuLoad} busy loops${params.viewerNice > 0 ? `, viewers at nice ${params.viewerNice}` : ''}, ${params.browsers === 'per-viewer' ? 'a Chromium per viewer' : 'one Chromium'}, repeat ${params.repeat}` +
    (params.engines.includes('streamrp2p') ? `, coordinator on ${params.database}` : '');
  if (machine === null) return run;
  return `${run}; ${machine.cpus} x ${machine.cpuModel}, Node ${machine.node}, ${machine.chromium}`;
}

/** The engine every other engine's startup is compared with. */
export const STARTUP_BASELINE = 'hlsjs';

/** One engine's startup against the baseline's, over every viewer of every trial. */
export interface StartupComparison extends MedianRatio {
  medianMs: number;
  baselineMedianMs: number;
  viewers: number;
  baselineViewers: number;
}

/**
 * Each engine's startup against plain hls.js': the ratio of the medians over every viewer of
 * every trial (the per-trial medians of the table move by a tenth or more between runs), with
 * a 95% bootstrap interval saying how far noise alone may move it. Empty without the baseline.
 */
export function startupComparisons(trials: TrialResult[]): Record<string, StartupComparison> {
  const startups = (engine: string) =>
    trials
      .filter((trial) => trial.engine === engine)
      .flatMap((trial) => trial.viewers.map((viewer) => viewer.startupMs))
      .filter((ms): ms is number => ms !== null);
  const baseline = startups(STARTUP_BASELINE);
  const out: Record<string, StartupComparison> = {};
  if (baseline.length === 0) return out;
  for (const engine of new Set(trials.map((trial) => trial.engine))) {
    if (engine === STARTUP_BASELINE) continue;
    const own = startups(engine);
    const ratio = medianRatio(own, baseline);
    if (ratio === null) continue;
    out[engine] = {
      ...ratio,
      medianMs: median(own)!,
      baselineMedianMs: median(baseline)!,
      viewers: own.length,
      baselineViewers: baseline.length,
    };
  }
  return out;
}

/** One line per engine: `streamrp2p: 1.25x plain hls.js' startup (95% interval 1.08–1.41; ...)`. */
export function startupComparisonLines(comparisons: Record<string, StartupComparison>): string[] {
  return Object.entries(comparisons).map(
    ([engine, c]) =>
      `${engine}: ${c.ratio.toFixed(2)}x plain hls.js' startup (95% interval ` +
      `${c.low.toFixed(2)}–${c.high.toFixed(2)}; median ${ms(c.medianMs)} against ` +
      `${ms(c.baselineMedianMs)} ms over ${c.viewers} and ${c.baselineViewers} viewers)`,
  );
}
