/**
 * The swarm simulator: for each size, N simulated viewers (the SDK's engine over @roamhq/wrtc
 * and a real-time playback clock, no decoding) of a fresh demo live stream. Prints a table of
 * P2P share, missed deadlines and origin bytes per size; writes bench/results/sim-*.json/md.
 * Run with `npm run bench:sim -- --sizes 10,20,30 --seconds 60` (see --help).
 */
import os from 'node:os';
import { parseSimArgs, SIM_HELP, UsageError, type SimParams } from './args.js';
import { describeParams, sizesTable, writeResults } from './report.js';
import { killChildren, runSize } from './run-size.js';
import type { SizeResult } from './summary.js';
import { textTable } from '../lib/table.js';

/** Per size: joins, playing time, and a minute for starting and stopping. */
const hardLimitMs = (p: SimParams) =>
  p.sizes.reduce((ms, n) => ms + n * p.joinIntervalMs + p.seconds * 1000 + 60_000, 0);

async function main(): Promise<number> {
  let params: SimParams;
  try {
    const parsed = parseSimArgs(process.argv.slice(2));
    if (parsed === 'help') {
      process.stdout.write(SIM_HELP);
      return 0;
    }
    params = parsed;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench:sim: ${error.message}\n\n${SIM_HELP}`);
    return 2;
  }
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    totalMemGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
  };
  const results: SizeResult[] = [];
  let complete = false;
  const finish = async () => {
    killChildren();
    if (results.length > 0) {
      const file = await writeResults(params, results, machine, complete);
      console.log(`\nresults: ${file}`);
    }
  };
  const abort = (why: string) => {
    console.error(`bench:sim: ${why}; stopping`);
    void finish().finally(() => process.exit(1));
  };
  const limit = setTimeout(() => abort('hard time limit reached'), hardLimitMs(params));
  process.on('SIGINT', () => abort('interrupted'));
  process.on('SIGTERM', () => abort('terminated'));

  console.log(`== swarm simulation: ${describeParams(params)}`);
  for (const size of params.sizes) {
    console.log(`== ${size} viewers`);
    results.push(await runSize(size, params, (line) => console.log(line)));
    const last = results.at(-1)!;
    console.log(
      `  P2P ${(last.p2pShare * 100).toFixed(1)}% (ideal ${(last.idealShare * 100).toFixed(1)}%), ` +
        `missed deadlines ${last.missedDeadlines}/${last.segments}, origin ${(last.originBytes / 1e6).toFixed(1)} MB`,
    );
    console.log(`  HTTP segments by reason: ${JSON.stringify(last.httpReasons)}`);
  }
  clearTimeout(limit);
  complete = true;
  console.log(
    `\n== ${describeParams(params)}; ${machine.cpus} x ${machine.cpuModel}, Node ${machine.node}`,
  );
  console.log(textTable(sizesTable(results)));
  await finish();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    killChildren();
    console.error(error);
    process.exit(1);
  },
);
