/**
 * The adversarial simulation: honest viewers sharing a live stream beside sybil floods, a
 * colluding receipt farm, replayed and forged receipts and points farming, all against the real
 * services. Prints and writes bench/results/adversary/adversary-latest.{json,md}.
 * Run with `npm run bench:adversary` (or `-- --fast`, `--help`).
 */
import { ADVERSARY_HELP, parseAdversaryArgs, UsageError, type AdversaryParams } from './args.js';
import { printTables, writeResults } from './report.js';
import { runAdversary } from './run.js';

/** Live phase, growth, and three minutes for starting, settling and stopping. */
const hardLimitMs = (p: AdversaryParams) =>
  (p.liveSeconds + (p.growthMinutes * 60) / p.speed + 180) * 1000;

async function main(): Promise<number> {
  let params: AdversaryParams;
  try {
    const parsed = parseAdversaryArgs(process.argv.slice(2));
    if (parsed === 'help') {
      process.stdout.write(ADVERSARY_HELP);
      return 0;
    }
    params = parsed;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench:adversary: ${error.message}\n\n${ADVERSARY_HELP}`);
    return 2;
  }
  const limit = setTimeout(() => {
    console.error('bench:adversary: hard time limit reached; stopping');
    process.exit(1);
  }, hardLimitMs(params));
  limit.unref();
  const result = await runAdversary(params, (line) => console.log(line));
  printTables(result, (text) => console.log(text));
  console.log(`\nresults: ${await writeResults(result)}`);
  return result.complete ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
