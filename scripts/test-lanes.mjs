#!/usr/bin/env node
// `npm test`'s test step: the unit and Node integration files in one vitest process and the
// browser files and the e2e project (whole-system and SDK Node files) in a second one beside
// it, each lane one file at a time (see vitest.config.ts: vitest 4 runs every one-worker project
// in one sequential group, so in one process the two lanes took the sum of their times). Each
// line of output is prefixed with its lane; the exit code is the first failing lane's. With
// arguments (`npm test -- test/browser/x.test.ts`), it runs one `vitest run` with them instead.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const vitest = (args, prefix) => {
  const child = spawn('npx', ['vitest', 'run', ...args], {
    stdio: prefix ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    env: prefix ? { FORCE_COLOR: '1', ...process.env } : process.env,
  });
  if (prefix) {
    for (const stream of [child.stdout, child.stderr]) {
      const out = stream === child.stdout ? process.stdout : process.stderr;
      createInterface({ input: stream }).on('line', (line) => out.write(`${prefix} ${line}\n`));
    }
  }
  return child;
};

const exited = (child) =>
  // A lane killed by a signal has no exit code: it failed.
  new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));

const args = process.argv.slice(2);
if (args.length > 0) process.exit(await exited(vitest(args)));

const started = Date.now();
const lanes = [
  { name: 'node', args: ['--project', 'unit', '--project', 'integration'] },
  // The browser files, then the whole-system and SDK Node files (see vitest.config.ts).
  { name: 'browser', args: ['--project', 'browser', '--project', 'e2e'] },
].map((lane) => ({ ...lane, child: vitest(lane.args, `[${lane.name}]`) }));
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => lanes.forEach((lane) => lane.child.kill(signal)));
}
const codes = await Promise.all(
  lanes.map(async (lane) => {
    const code = await exited(lane.child);
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    console.log(
      `== ${lane.name} lane ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${seconds} s`,
    );
    return code;
  }),
);
process.exit(codes.find((code) => code !== 0) ?? 0);
