/**
 * Turns what a trial saw (last page samples, origin counters) into per-viewer and overall
 * figures, and reduces repeated trials to median and spread.
 */
import type { OriginStats } from '@streamrp2p/live-origin';
import {
  levelFigures,
  medianByLevel,
  sortLevels,
  trialLevelFigures,
  type LevelFigures,
} from './levels.js';
import type { ProcessKind } from './browser-cpu.js';
import { median, sum } from './stats.js';
import type { Viewer } from './viewer.js';

/** One viewer's figures at the end of a trial (levels and latency: see {@link LevelFigures}). */
export interface ViewerResult extends LevelFigures {
  viewer: string;
  /** When the page was opened, ms after the trial started. */
  joinedAtMs: number | null;
  joinError: string | null;
  /** Segment body bytes the origin sent to this viewer (`?client=` attribution). */
  originSegmentBytes: number;
  originSegmentRequests: number;
  originPlaylistBytes: number;
  /** HTTP segment bytes the engine reports; the origin's count for HTTP-only engines. */
  httpBytes: number;
  p2pBytes: number;
  uploadedBytes: number;
  peers: number;
  /** p2pBytes / (p2pBytes + httpBytes); null before any byte. */
  p2pShare: number | null;
  /** Navigation start to first frame playing. */
  startupMs: number | null;
  probeStartupMs: number | null;
  stalls: number;
  stallSeconds: number;
  /** Stall still going on at the end of the trial. */
  stalledAtEnd: boolean;
  fatalError: string | null;
  currentTime: number;
  playedSeconds: number;
  level: string | null;
  /** hls.js errors by `details`, with counts. */
  hlsErrors: Record<string, number>;
  pageErrorCount: number;
  pageErrors: string[];
  failedSamples: number;
  diagnostics: unknown;
  /** Where the page's startup went (`PAGE_TIMING` in `page-snippets.ts`), ms from navigation. */
  pageTiming: unknown;
  /** The page's main thread: seconds busy in tasks and in script since it opened. */
  mainThread: { taskSeconds: number; scriptSeconds: number } | null;
  /**
   * Every second: [t s, currentTime, stall s, p2p bytes, http bytes, uploaded bytes, peers,
   * playing level index (-1: none), latency s (-1: unknown), hls.js' bandwidth estimate kbit/s
   * (-1: unknown)].
   */
  timeline: number[][];
}

/**
 * CPU use from the first join to the first sample at which every viewer played: the machine's
 * busy share, the benchmark process' (servers), and Chromium's by kind of process, each a share
 * of all cores.
 */
export interface JoinCpu {
  seconds: number;
  busy: number | null;
  servers: number | null;
  byProcess: Record<ProcessKind, number> | null;
}

/** Figures of one trial (one engine, one repetition). */
export interface TrialOverall {
  viewers: number;
  viewersStarted: number;
  /** Viewers that never started, failed to open, or hit a fatal error. */
  viewersFailed: number;
  originSegmentBytes: number;
  originTotalBytes: number;
  /** Segment bytes the origin sent without a client id (should be 0). */
  anonymousSegmentBytes: number;
  /**
   * Segment bytes the coordinator's indexer fetched (one copy of every rendition, to compute
   * Merkle roots): a platform cost, kept out of the viewers' origin bytes.
   */
  indexerSegmentBytes: number;
  httpBytes: number;
  p2pBytes: number;
  uploadedBytes: number;
  /** uploadedBytes / viewers. */
  uploadedBytesPerViewer: number;
  /** p2p / (p2p + http) over all viewers. */
  p2pShare: number;
  /** (N - 1) / N: every segment fetched once from the origin, the rest from peers. */
  idealShare: number;
  /** Mean of p2p + http over viewers that started. */
  avgViewerDownloadBytes: number;
  /** originSegmentBytes / (started viewers x avgViewerDownloadBytes): 1 = no saving, 1/N = ideal. */
  originVsAllHttp: number | null;
  /** Origin segment bytes the engines did not report as HTTP bytes (aborted or uncounted). */
  originMinusReportedHttp: number;
  startupMedianMs: number | null;
  startupMaxMs: number | null;
  stalls: number;
  stallSeconds: number;
  /** Share of all cores busy during the playing window (whole machine). */
  cpuBusy: number | null;
  /** Of that, the benchmark process: origin, tracker and coordinator (servers, not viewers). */
  serverCpu: number | null;
  /**
   * Median ms from a page's media append to another page's nearest one (`lockstep.ts`): small
   * when the pages process each segment at the same moment.
   */
  appendGapMs: number | null;
  /** CPU while the viewers joined; null when some viewer never started. */
  joinCpu: JoinCpu | null;
  /** From {@link joinCpu}, for the comparison across engines. */
  joinCpuBusy: number | null;
  joinRendererCpu: number | null;
  joinBrowserCpu: number | null;
  joinNetworkCpu: number | null;
  /** Medians over viewers that started of their average played bitrate, switches and latency. */
  avgBitrateKbps: number | null;
  levelSwitches: number | null;
  latencySeconds: number | null;
  /** Per rendition, the median over viewers that started of their seconds played there. */
  secondsByLevel: Record<string, number>;
}

export interface TrialResult {
  engine: string;
  repeat: number;
  startedAt: string;
  durationMs: number;
  viewers: ViewerResult[];
  overall: TrialOverall;
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

export function viewerResult(
  viewer: Viewer,
  origin: OriginStats,
  diagnostics: unknown,
  pageTiming: unknown = null,
  mainThread: ViewerResult['mainThread'] = null,
): ViewerResult {
  const last = viewer.last;
  const traffic = origin.clients[viewer.id];
  const originSegmentBytes = traffic?.segmentBytes ?? 0;
  const reported = last?.traffic ?? null;
  const httpBytes = reported?.httpBytes ?? originSegmentBytes;
  const p2pBytes = reported?.p2pBytes ?? 0;
  const downloaded = httpBytes + p2pBytes;
  return {
    viewer: viewer.id,
    joinedAtMs: viewer.joinedAtMs,
    joinError: viewer.joinError,
    originSegmentBytes,
    originSegmentRequests: traffic?.segmentRequests ?? 0,
    originPlaylistBytes: traffic?.playlistBytes ?? 0,
    httpBytes,
    p2pBytes,
    uploadedBytes: reported?.uploadedBytes ?? 0,
    peers: reported?.peers ?? 0,
    p2pShare: downloaded > 0 ? p2pBytes / downloaded : null,
    startupMs: last?.startupMs ?? null,
    probeStartupMs: last?.probeStartupMs ?? null,
    stalls: last?.stalls ?? 0,
    stallSeconds: (last?.stallMs ?? 0) / 1000,
    stalledAtEnd: last?.stalled ?? false,
    fatalError: last?.fatalError ? `${last.fatalError.type}: ${last.fatalError.details}` : null,
    currentTime: last?.currentTime ?? 0,
    playedSeconds: last?.playedSeconds ?? 0,
    level: last?.level ?? null,
    hlsErrors: countBy(last?.errorDetails ?? []),
    pageErrorCount: viewer.pageErrorCount,
    pageErrors: viewer.pageErrors,
    failedSamples: viewer.failedSamples,
    diagnostics,
    pageTiming,
    mainThread,
    ...levelFigures(viewer.samples),
    timeline: viewer.samples.map((s) => [
      Math.round(s.t / 100) / 10,
      Math.round(s.currentTime * 10) / 10,
      Math.round(s.stallMs / 100) / 10,
      s.traffic?.p2pBytes ?? 0,
      s.traffic?.httpBytes ?? 0,
      s.traffic?.uploadedBytes ?? 0,
      s.traffic?.peers ?? 0,
      s.levelIndex ?? -1,
      s.latency === null ? -1 : Math.round(s.latency * 10) / 10,
      s.bandwidthEstimate === null ? -1 : Math.round(s.bandwidthEstimate / 1000),
    ]),
  };
}

export function trialOverall(
  viewers: ViewerResult[],
  origin: OriginStats,
  cpuBusy: number | null,
  serverCpu: number | null,
  appendGapMs: number | null,
  joinCpu: JoinCpu | null = null,
): TrialOverall {
  const started = viewers.filter((v) => v.startupMs !== null);
  const failed = viewers.filter(
    (v) => v.joinError !== null || v.startupMs === null || v.fatalError,
  );
  const httpBytes = sum(viewers.map((v) => v.httpBytes));
  const p2pBytes = sum(viewers.map((v) => v.p2pBytes));
  const avg =
    started.length > 0 ? sum(started.map((v) => v.httpBytes + v.p2pBytes)) / started.length : 0;
  const startups = started.map((v) => v.startupMs!);
  const n = viewers.length;
  return {
    viewers: n,
    viewersStarted: started.length,
    viewersFailed: failed.length,
    // The viewers' bytes only; the indexer's are reported on their own.
    originSegmentBytes: sum(viewers.map((v) => v.originSegmentBytes)),
    originTotalBytes: origin.totalBytes,
    anonymousSegmentBytes: origin.clients['anonymous']?.segmentBytes ?? 0,
    indexerSegmentBytes: origin.clients['indexer']?.segmentBytes ?? 0,
    httpBytes,
    p2pBytes,
    uploadedBytes: sum(viewers.map((v) => v.uploadedBytes)),
    uploadedBytesPerViewer: n > 0 ? sum(viewers.map((v) => v.uploadedBytes)) / n : 0,
    p2pShare: httpBytes + p2pBytes > 0 ? p2pBytes / (httpBytes + p2pBytes) : 0,
    idealShare: (n - 1) / n,
    avgViewerDownloadBytes: avg,
    originVsAllHttp:
      avg > 0 ? sum(viewers.map((v) => v.originSegmentBytes)) / (started.length * avg) : null,
    originMinusReportedHttp: sum(viewers.map((v) => v.originSegmentBytes - v.httpBytes)),
    startupMedianMs: median(startups),
    startupMaxMs: startups.length > 0 ? Math.max(...startups) : null,
    stalls: sum(viewers.map((v) => v.stalls)),
    stallSeconds: sum(viewers.map((v) => v.stallSeconds)),
    cpuBusy,
    serverCpu,
    appendGapMs,
    joinCpu,
    joinCpuBusy: joinCpu?.busy ?? null,
    joinRendererCpu: joinCpu?.byProcess?.renderers ?? null,
    joinBrowserCpu: joinCpu?.byProcess?.browser ?? null,
    joinNetworkCpu: joinCpu?.byProcess?.network ?? null,
    ...trialLevelFigures(started),
  };
}

/** A figure across repetitions. */
export interface Spread {
  median: number | null;
  min: number | null;
  max: number | null;
}

/** Figures compared across engines: key of {@link TrialOverall}. */
export const COMPARED_FIGURES = [
  'viewersFailed',
  'originSegmentBytes',
  'p2pShare',
  'idealShare',
  'originVsAllHttp',
  'uploadedBytes',
  'uploadedBytesPerViewer',
  'startupMedianMs',
  'startupMaxMs',
  'stalls',
  'stallSeconds',
  'avgBitrateKbps',
  'levelSwitches',
  'latencySeconds',
  'cpuBusy',
  'serverCpu',
  'appendGapMs',
  'joinCpuBusy',
  'joinRendererCpu',
  'joinBrowserCpu',
  'joinNetworkCpu',
] as const satisfies readonly (keyof TrialOverall)[];

export type ComparedFigure = (typeof COMPARED_FIGURES)[number];

export type EngineSummary = Record<ComparedFigure, Spread> & {
  trials: number;
  /** Per rendition, the median over trials of the trials' medians (no spread: a text column). */
  secondsByLevel: Record<string, number>;
};

export function summarize(trials: TrialResult[]): EngineSummary {
  const byLevel = trials.map((trial) => trial.overall.secondsByLevel);
  const levels = sortLevels([...new Set(byLevel.flatMap((record) => Object.keys(record)))]);
  const summary = {
    trials: trials.length,
    secondsByLevel: medianByLevel(levels, byLevel),
  } as EngineSummary;
  for (const figure of COMPARED_FIGURES) {
    const values = trials
      .map((trial) => trial.overall[figure])
      .filter((value): value is number => value !== null);
    summary[figure] = {
      median: median(values),
      min: values.length > 0 ? Math.min(...values) : null,
      max: values.length > 0 ? Math.max(...values) : null,
    };
  }
  return summary;
}
