/**
 * Summarises the page CPU profiles `bench:swarm --cpu-profile` records: where each engine's
 * pages spent their main thread, by source file and by function, with minified bundle frames
 * mapped back to the SDK's sources through the build's source maps.
 *
 *   npm run bench:profile -- [--top 25] <profile files or folders>
 *
 * Prints, per engine (the file name's prefix before `-run`), the main thread's busy time per
 * viewer, then the top files and functions by self time per viewer; V8's own entries
 * (`(idle)`, `(program)`, `(garbage collector)`) are rows of the file table.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import { integer, parseFlagsAndArguments, UsageError } from './lib/flags.js';

/** The subset of Chromium's `Profiler.Profile` read here. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const HELP = `Usage: npm run bench:profile -- [--top <n>] <.cpuprofile files or folders>

Summarises page CPU profiles recorded by npm run bench:swarm -- --cpu-profile:
per engine, main-thread self time per viewer by source file and by function.
  --top <n>   rows per table (default 25)
`;

/** Where the SDK's browser builds and their source maps are. */
const BUILD_DIR = new URL('../packages/player-sdk/dist/browser/', import.meta.url).pathname;

const maps = new Map<string, TraceMap | null>();

function mapFor(url: string): TraceMap | null {
  const file = basename(new URL(url).pathname);
  if (!maps.has(file)) {
    const path = join(BUILD_DIR, `${file}.map`);
    maps.set(file, existsSync(path) ? new TraceMap(readFileSync(path, 'utf8')) : null);
  }
  return maps.get(file)!;
}

/** A frame's place as `file` and `file function`, mapped to sources where a map exists. */
function place(frame: CpuProfile['nodes'][number]['callFrame']): { file: string; fn: string } {
  const { url, functionName, lineNumber, columnNumber } = frame;
  if (url === '') {
    const special = functionName.startsWith('(') ? functionName : '(native)';
    return { file: special, fn: functionName || special };
  }
  let file = url.startsWith('http') ? new URL(url).pathname : url;
  let fn = functionName || '(anonymous)';
  const map = url.startsWith('http') ? mapFor(url) : null;
  if (map !== null && lineNumber >= 0) {
    const original = originalPositionFor(map, { line: lineNumber + 1, column: columnNumber });
    if (original.source !== null) {
      file = original.source.replace(/^(\.\.\/)+/, '').replace(/^node_modules\//, '');
      fn = `${original.name ?? fn}:${original.line}`;
    }
  }
  return { file, fn: `${file} ${fn}` };
}

type Totals = Map<string, number>;

function add(totals: Totals, key: string, ms: number): void {
  totals.set(key, (totals.get(key) ?? 0) + ms);
}

/** Self time (ms) by file and by function of one profile. */
function selfTimes(profile: CpuProfile): { files: Totals; fns: Totals; ms: number } {
  const byId = new Map(profile.nodes.map((node) => [node.id, place(node.callFrame)]));
  const files: Totals = new Map();
  const fns: Totals = new Map();
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const where = byId.get(id);
    if (where === undefined) return;
    add(files, where.file, ms);
    add(fns, where.fn, ms);
  });
  return { files, fns, ms: (profile.endTime - profile.startTime) / 1000 };
}

function profileFiles(paths: string[]): string[] {
  return paths.flatMap((path) =>
    statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((name) => name.endsWith('.cpuprofile'))
          .sort()
          .map((name) => join(path, name))
      : [path],
  );
}

function table(title: string, totals: Totals, viewers: number, top: number): string[] {
  const rows = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `  ${title}`,
    ...rows.map(([key, ms]) => `    ${(ms / viewers).toFixed(0).padStart(7)} ms  ${key}`),
  ];
}

function main(): void {
  const { values, positionals } = parseFlagsAndArguments(process.argv.slice(2), {
    top: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const top = integer('top', values.top, 25, 1, 500);
  const files = profileFiles(positionals);
  if (files.length === 0) throw new UsageError('give .cpuprofile files or a folder holding them');

  const engines = new Map<string, { files: Totals; fns: Totals; ms: number; viewers: number }>();
  for (const path of files) {
    const engine = basename(path).split('-run')[0]!;
    const sum = engines.get(engine) ?? { files: new Map(), fns: new Map(), ms: 0, viewers: 0 };
    const one = selfTimes(JSON.parse(readFileSync(path, 'utf8')) as CpuProfile);
    for (const [key, ms] of one.files) add(sum.files, key, ms);
    for (const [key, ms] of one.fns) add(sum.fns, key, ms);
    sum.ms += one.ms;
    sum.viewers += 1;
    engines.set(engine, sum);
  }
  for (const [engine, sum] of engines) {
    const busy = [...sum.files.entries()]
      .filter(([file]) => file !== '(idle)')
      .reduce((total, [, ms]) => total + ms, 0);
    console.log(
      `${engine}: ${sum.viewers} viewer profiles, ${(sum.ms / sum.viewers / 1000).toFixed(1)} s each, ` +
        `main thread busy ${(busy / sum.viewers).toFixed(0)} ms per viewer ` +
        `(${((100 * busy) / sum.ms).toFixed(1)}%)`,
    );
    console.log(table('self time by file, per viewer', sum.files, sum.viewers, top).join('\n'));
    console.log(table('self time by function, per viewer', sum.fns, sum.viewers, top).join('\n'));
  }
}

try {
  main();
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${HELP}`);
    process.exit(2);
  }
  throw error;
}
