/** A run's results object: its empty start, its files and its console table. */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import type { LoadParams } from './args.js';
import { clusterMarkdown, clusterRows, clusterTextTable } from './cluster-report.js';
import { openFilesLimit } from './machine-stats.js';
import { latency, markdown, round, rows, textTable, type LoadResults } from './report.js';

/** Results before anything was measured (what an early failure writes). */
export function emptyResults(params: LoadParams): LoadResults {
  const none = latency([]);
  return {
    benchmark: 'tracker',
    generatedAt: new Date().toISOString(),
    complete: false,
    params,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: round(totalmem() / 2 ** 30),
      node: process.version,
      openFilesLimit: openFilesLimit(),
    },
    maxConcurrentPeers: 0,
    heldAtEnd: 0,
    clientCpuCoresDuringRamp: 0,
    listenOverflows: 0,
    machineBusyCoresDuringRamp: 0,
    joined: 0,
    errors: {},
    rampSeconds: 0,
    achievedJoinRate: 0,
    upgrade: none,
    connect: none,
    join: none,
    signal: { ...none, sent: 0, acked: 0 },
    tracker: {
      rssBeforeMiB: 0,
      rssPeakMiB: 0,
      bytesPerPeer: null,
      cpuCoresDuringRamp: 0,
      cpuMsPerJoin: null,
      cpuCoresHolding: 0,
    },
  };
}

/** Writes the run's JSON and the markdown table of recent runs; returns what it wrote, for the log. */
export function write(root: string, results: LoadResults, out: string): string {
  const dir = resolve(root, out);
  mkdirSync(dir, { recursive: true });
  // Cluster runs get files of their own, so tracker-latest.* keeps describing one process.
  const base = results.params.redis === undefined ? 'tracker' : 'tracker-cluster';
  const json = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(join(dir, `${base}-${results.generatedAt.replace(/[:.]/g, '-')}.json`), json);
  writeFileSync(join(dir, `${base}-latest.json`), json);
  const runFile = new RegExp(`^${base}-\\d.*\\.json$`);
  const earlier = readdirSync(dir)
    .filter((f) => runFile.test(f))
    .sort()
    .slice(-12)
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as LoadResults);
  writeFileSync(
    join(dir, `${base}-latest.md`),
    base === 'tracker' ? markdown(results, earlier) : clusterMarkdown(results, earlier),
  );
  return `${out}/${base}-latest.{json,md}`;
}

/** The console table of a run. */
export function report(results: LoadResults): string {
  if (results.cluster === undefined) return textTable(results);
  // The one-process rows add up every tracker process here.
  const overall = rows(results).map(([k, v]): [string, string] => [
    k.replace(/^tracker /, 'all trackers: '),
    v,
  ]);
  return clusterTextTable([...overall, ...clusterRows(results, results.cluster)]);
}
