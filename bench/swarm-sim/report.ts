/** The simulator's table, in plain text and Markdown, and the results files. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { markdownTable, type Table } from '../lib/table.js';
import type { SimParams } from './args.js';
import type { SizeResult } from './summary.js';

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

export function sizesTable(results: SizeResult[]): Table {
  return {
    headers: [
      'viewers',
      'P2P share',
      'ideal',
      'viewer share min/med/max',
      'missed deadlines',
      'viewers missing',
      'stall s',
      'origin MB',
      'origin/(N x 1)',
      'HTTP copies/seg',
      'peers mean/min',
      'startup med ms',
      'CPU busy',
      'child CPU s',
      'RSS MB/proc',
    ],
    textColumns: [3, 10, 14],
    rows: results.map((r) => {
      const procs = r.processes.filter((p) => p !== null);
      return [
        `${r.viewersReported}/${r.size}`,
        pct(r.p2pShare),
        pct(r.idealShare),
        `${pct(r.viewerShare.min)} / ${pct(r.viewerShare.median)} / ${pct(r.viewerShare.max)}`,
        `${r.missedDeadlines}/${r.segments}`,
        `${r.viewersWithMisses}`,
        r.stallSeconds.toFixed(1),
        mb(r.originBytes),
        r.originVsAllHttp.toFixed(2),
        `${r.httpCopiesPerSegment.toFixed(2)} (max ${r.maxHttpCopies})`,
        `${r.meanPeers.toFixed(1)}/${r.minPeers}`,
        r.startupMedianMs === null ? '–' : `${Math.round(r.startupMedianMs)}`,
        r.cpuBusyPlaying === null ? '–' : pct(r.cpuBusyPlaying),
        procs.map((p) => p.cpuSeconds.toFixed(0)).join('+'),
        procs.map((p) => p.maxRssMb).join('/'),
      ];
    }),
  };
}

export function describeParams(params: SimParams): string {
  return (
    `${params.seconds} s after the last join, join every ${params.joinIntervalMs} ms, ` +
    `${params.rendition}, origin ${params.bandwidthKbps} kbit/s per connection + ${params.latencyMs} ms, ` +
    `${params.perProcess} viewers per process, engine maxPeers ${params.maxPeers}`
  );
}

export async function writeResults(
  params: SimParams,
  results: SizeResult[],
  machine: unknown,
  complete: boolean,
): Promise<string> {
  await mkdir(params.out, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const json = JSON.stringify({ complete, params, machine, results }, null, 2);
  const file = join(params.out, `sim-${stamp}.json`);
  await writeFile(file, json);
  await writeFile(join(params.out, 'sim-latest.json'), json);
  const md = [
    '# Simulated swarm (bench/swarm-sim)',
    '',
    describeParams(params) + (complete ? '' : ' (incomplete run)'),
    '',
    markdownTable(sizesTable(results)),
    '',
    ...results.map(
      (r) =>
        `- ${r.size} viewers: HTTP segments by reason ${JSON.stringify(r.httpReasons)}; ` +
        `errors ${JSON.stringify(r.errors)}; peer closes ${JSON.stringify(r.peerCloses)}`,
    ),
    '',
  ].join('\n');
  await writeFile(join(params.out, 'sim-latest.md'), md);
  return file;
}
