/** Figures of one swarm size, from the viewers' reports and the origin's counters. */
import type { SimParams } from './args.js';
import type { ViewerReport } from './messages.js';

export interface SizeResult {
  size: number;
  startedAt: string;
  /** Viewers that reported (a child that died takes its viewers with it). */
  viewersReported: number;
  missingProcesses: number;
  httpBytes: number;
  p2pBytes: number;
  uploadedBytes: number;
  /** Sum of p2p / sum of (p2p + http) over all viewers. */
  p2pShare: number;
  /** (N - 1) / N. */
  idealShare: number;
  /** Per-viewer P2P share: min, median, max. */
  viewerShare: { min: number; median: number; max: number };
  /** Segment bytes the origin sent to the viewers (per-client counters). */
  originBytes: number;
  /** originBytes / (N x mean viewer download): 1 = no saving, 1/N = ideal. */
  originVsAllHttp: number;
  segments: number;
  missedDeadlines: number;
  viewersWithMisses: number;
  stallSeconds: number;
  loadFailures: number;
  startupMedianMs: number | null;
  startupMaxMs: number | null;
  /** Mean connected peers per viewer at the end. */
  meanPeers: number;
  minPeers: number;
  /** HTTP fetches of a segment after the viewer's first three (the startup ones), per segment
   * fetched over HTTP by anyone: 1.0 means every such segment left the origin once. */
  httpCopiesPerSegment: number;
  maxHttpCopies: number;
  /** Segments that came (partly) over HTTP, by why; see `HttpReason` in the SDK. */
  httpReasons: Record<string, number>;
  errors: Record<string, number>;
  errorSamples: string[];
  peerCloses: Record<string, number>;
  /** CPU seconds and peak RSS of each viewer process (null: it never reported). */
  processes: ({ cpuSeconds: number; maxRssMb: number } | null)[];
  parent: { cpuSeconds: number; maxRssMb: number };
  cpuBusyPlaying: number | null;
  cpuBusyAll: number | null;
  viewers: (ViewerReport & { originBytes: number })[];
}

export interface SummaryInput {
  size: number;
  params: SimParams;
  startedAt: string;
  viewers: ViewerReport[];
  originBytesOf(id: string): number;
  originTotalSegmentBytes: number;
  missingProcesses: number;
  processes: SizeResult['processes'];
  parent: SizeResult['parent'];
  cpuBusyPlaying: number | null;
  cpuBusyAll: number | null;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + count;
}

export function summarize(input: SummaryInput): SizeResult {
  const { viewers, size } = input;
  const httpBytes = sum(viewers.map((v) => v.httpBytes));
  const p2pBytes = sum(viewers.map((v) => v.p2pBytes));
  const shares = viewers.map((v) => v.p2pBytes / Math.max(1, v.p2pBytes + v.httpBytes));
  const originBytes = sum(viewers.map((v) => input.originBytesOf(v.id)));
  const meanDownload = (httpBytes + p2pBytes) / Math.max(1, viewers.length);
  const startups = viewers.flatMap((v) => (v.startupMs === null ? [] : [v.startupMs]));
  // A viewer's first segments are fetched before it knows any peer: leave them out.
  const copies = new Map<number, number>();
  for (const viewer of viewers) {
    const first = viewer.httpSequences.length > 0 ? Math.min(...viewer.httpSequences) : 0;
    for (const sequence of viewer.httpSequences) {
      if (sequence >= first + 3) copies.set(sequence, (copies.get(sequence) ?? 0) + 1);
    }
  }
  const errors: Record<string, number> = {};
  const peerCloses: Record<string, number> = {};
  const httpReasons: Record<string, number> = {};
  viewers.forEach((v) => addCounts(httpReasons, v.httpReasons));
  viewers.forEach((v) => addCounts(errors, v.errors));
  viewers.forEach((v) => addCounts(peerCloses, v.peerCloses));
  return {
    size,
    startedAt: input.startedAt,
    viewersReported: viewers.length,
    missingProcesses: input.missingProcesses,
    httpBytes,
    p2pBytes,
    uploadedBytes: sum(viewers.map((v) => v.uploadedBytes)),
    p2pShare: p2pBytes / Math.max(1, httpBytes + p2pBytes),
    idealShare: (size - 1) / size,
    viewerShare: {
      min: shares.length ? Math.min(...shares) : 0,
      median: median(shares) ?? 0,
      max: shares.length ? Math.max(...shares) : 0,
    },
    originBytes,
    originVsAllHttp: originBytes / Math.max(1, size * meanDownload),
    segments: sum(viewers.map((v) => v.segments)),
    missedDeadlines: sum(viewers.map((v) => v.missedDeadlines)),
    viewersWithMisses: viewers.filter((v) => v.missedDeadlines > 0).length,
    stallSeconds: sum(viewers.map((v) => v.stallMs)) / 1000,
    loadFailures: sum(viewers.map((v) => v.loadFailures)),
    startupMedianMs: median(startups),
    startupMaxMs: startups.length ? Math.max(...startups) : null,
    meanPeers: sum(viewers.map((v) => v.peers)) / Math.max(1, viewers.length),
    minPeers: viewers.length ? Math.min(...viewers.map((v) => v.peers)) : 0,
    httpCopiesPerSegment: copies.size ? sum([...copies.values()]) / copies.size : 0,
    maxHttpCopies: copies.size ? Math.max(...copies.values()) : 0,
    httpReasons,
    errors,
    errorSamples: viewers.flatMap((v) => v.errorSamples).slice(0, 20),
    peerCloses,
    processes: input.processes,
    parent: input.parent,
    cpuBusyPlaying: input.cpuBusyPlaying,
    cpuBusyAll: input.cpuBusyAll,
    viewers: viewers.map((v) => ({ ...v, originBytes: input.originBytesOf(v.id) })),
  };
}
