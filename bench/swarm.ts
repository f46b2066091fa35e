/**
 * Live swarm benchmark: N viewers of the demo live stream in one headless Chromium, per engine
 * (StreamrP2P, plain hls.js, ...), on a fresh origin and tracker each time. Measures what the
 * origin served, the P2P share, startup and stalls; prints tables and writes
 * bench/results/swarm-<timestamp>.json, swarm-latest.json and swarm-latest.md.
 *
 *   npm run bench:swarm -- --peers 4 --seconds 60
 *
 * Needs the built packages (`npm run build`) and Chromium at /usr/bin/chromium. See README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  HELP,
  overallTimeoutMs,
  parseSwarmArgs,
  UsageError,
  type SwarmParams,
} from './lib/args.js';
import { Closers } from './lib/closers.js';
import { engineByName } from './lib/engines.js';
import { machineInfo, type MachineInfo } from './lib/machine.js';
import { BENCH_POSTGRES_URL, postgresAnswers } from './lib/pg-schema.js';
import {
  comparisonTable,
  startupComparisonLines,
  startupComparisons,
  type StartupComparison,
  engineSettingsTable,
  parameterLine,
  trialSummary,
  viewerTable,
} from './lib/report.js';
import { summarize, type EngineSummary, type TrialResult } from './lib/results.js';
import { markdownTable, recordList, textTable } from './lib/table.js';
import { runTrial } from './lib/trial.js';

interface SwarmResults {
  benchmark: 'swarm';
  generatedAt: string;
  complete: boolean;
  error?: string;
  params: SwarmParams;
  timeoutMs: number;
  machine: MachineInfo | null;
  units: string;
  summary: Record<string, EngineSummary>;
  /** Each engine's startup against plain hls.js', pooled over all trials (when it ran). */
  startupVsPlain: Record<string, StartupComparison>;
  trials: TrialResult[];
}

const log = (line: string) => console.log(line);

async function runAll(params: SwarmParams, closers: Closers, results: SwarmResults) {
  for (let repeat = 1; repeat <= params.repeat; repeat += 1) {
    // Engines alternate within each repetition, so drift of the machine hits all of them.
    for (const name of params.engines) {
      const engine = engineByName(name);
      log(`\n== ${engine.name} (${engine.label}), run ${repeat}/${params.repeat}`);
      const trial = await runTrial(engine, {
        params,
        closers,
        repeat,
        log,
        onBrowser: (version) => (results.machine ??= machineInfo(`Chromium ${version}`)),
      });
      results.trials.push(trial);
      log(textTable(viewerTable(trial)));
      log(trialSummary(trial));
    }
  }
  for (const name of params.engines) {
    results.summary[name] = summarize(results.trials.filter((trial) => trial.engine === name));
  }
  results.startupVsPlain = startupComparisons(results.trials);
}

function startupSection(results: SwarmResults): string[] {
  const lines = startupComparisonLines(results.startupVsPlain);
  if (lines.length === 0) return [];
  return [
    '',
    '### Startup against plain hls.js',
    '',
    'Medians over every viewer of every trial, with a 95% bootstrap interval:',
    '',
    ...lines.map((line) => `- ${line}`),
  ];
}

function markdown(results: SwarmResults): string {
  const parts = [
    `# Swarm benchmark, ${results.generatedAt}`,
    '',
    parameterLine(results.params, results.machine),
    '',
    '## Comparison',
    '',
    markdownTable(comparisonTable(results.summary)),
    ...startupSection(results),
    '',
    '## Engine settings',
    '',
    markdownTable(engineSettingsTable(results.params)),
  ];
  for (const trial of results.trials) {
    parts.push(
      '',
      `## ${trial.engine}, run ${trial.repeat}`,
      '',
      markdownTable(viewerTable(trial)),
    );
    parts.push(
      '',
      ...trialSummary(trial)
        .split('\n')
        .map((line) => `- ${line}`),
    );
  }
  return `${parts.join('\n')}\n`;
}

function write(results: SwarmResults): void {
  const out = results.params.out;
  mkdirSync(out, { recursive: true });
  const stamp = results.generatedAt.replace(/[:.]/g, '-');
  const json = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(join(out, `swarm-${stamp}.json`), json);
  if (!results.complete) return;
  writeFileSync(join(out, 'swarm-latest.json'), json);
  writeFileSync(join(out, 'swarm-latest.md'), markdown(results));
  log(`\nwrote ${join(out, `swarm-${stamp}.json`)}, swarm-latest.json and swarm-latest.md`);
}

async function main(): Promise<number> {
  let params: SwarmParams | 'help';
  try {
    params = parseSwarmArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}\n\n${HELP}`);
    return 2;
  }
  if (params === 'help') {
    console.log(HELP);
    return 0;
  }
  if (params.engines.includes('streamrp2p') && params.database !== 'pglite') {
    const answers = await postgresAnswers();
    if (!answers && params.database === 'postgres') {
      console.error(
        `error: --database postgres, but PostgreSQL does not answer at ${BENCH_POSTGRES_URL}`,
      );
      return 2;
    }
    // Resolved here, so the results file says which database the coordinator ran on.
    params = { ...params, database: answers ? 'postgres' : 'pglite' };
  }
  const closers = new Closers();
  const timeoutMs = overallTimeoutMs(params);
  const results: SwarmResults = {
    benchmark: 'swarm',
    generatedAt: new Date().toISOString(),
    complete: false,
    params,
    timeoutMs,
    machine: null,
    units: 'bytes; MB in tables = 10^6 bytes; shares 0..1; times ms unless named seconds',
    summary: {},
    startupVsPlain: {},
    trials: [],
  };
  const abort = async (message: string, code: number) => {
    console.error(`\n${message}; closing browsers and servers`);
    results.error = message;
    await closers.closeAll();
    write(results);
    process.exit(code);
  };
  const timer = setTimeout(
    () => void abort(`swarm benchmark exceeded its ${Math.round(timeoutMs / 1000)} s limit`, 1),
    timeoutMs,
  );
  process.once('SIGINT', () => void abort('interrupted', 130));
  process.once('SIGTERM', () => void abort('terminated', 143));

  log(`swarm benchmark: ${parameterLine(params, null)} (limit ${Math.round(timeoutMs / 1000)} s)`);
  try {
    await runAll(params, closers, results);
    results.complete = true;
  } catch (error) {
    results.error = (error as Error).stack ?? String(error);
    console.error(`\nswarm benchmark failed: ${results.error}`);
  } finally {
    clearTimeout(timer);
    await closers.closeAll();
  }
  if (!results.complete) {
    write(results);
    return 1;
  }
  log(`\n== comparison: ${parameterLine(params, results.machine)}`);
  log(textTable(comparisonTable(results.summary)));
  const startupLines = startupComparisonLines(results.startupVsPlain);
  if (startupLines.length > 0)
    log(`\nstartup, all viewers of all trials:\n${startupLines.join('\n')}`);
  log(`\n== engine settings\n${recordList(engineSettingsTable(params))}`);
  write(results);
  return 0;
}

// Exit explicitly: a lingering socket or timer must not keep a finished benchmark alive.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
