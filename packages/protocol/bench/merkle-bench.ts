/**
 * Merkle root throughput against a plain SHA-256 of the same bytes.
 *
 *   npx tsx packages/protocol/bench/merkle-bench.ts [--quick]
 *
 * For each segment size it times merkleRoot, one WebCrypto digest and one node:crypto hash,
 * after a warm-up, in interleaved rounds totalling at least a second per case (a fifth with
 * --quick). It prints the median round of each as a table and writes bench/results/merkle.json
 * at the repository root. MB/s uses MB = 10^6 bytes.
 */
import { createHash, randomFillSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { merkleRoot } from '../src/merkle.js';

const quick = process.argv.includes('--quick');
const minSeconds = quick ? 0.2 : 1;
const warmupSeconds = quick ? 0.05 : 0.25;
const rounds = quick ? 3 : 5;
const sizes = [256 * 1024, 1024 * 1024, 4 * 1024 * 1024];
const resultsUrl = new URL('../../../bench/results/merkle.json', import.meta.url);

interface Measurement {
  mbPerSec: number;
  msPerOp: number;
  iterations: number;
}

type Op = (bytes: Uint8Array<ArrayBuffer>) => Promise<unknown> | unknown;

type OpName = 'merkleRoot' | 'subtleDigest' | 'nodeCreateHash';
interface Sample {
  iterations: number;
  elapsed: number;
}

const ops: Record<OpName, Op> = {
  merkleRoot: (bytes) => merkleRoot(bytes),
  subtleDigest: (bytes) => crypto.subtle.digest('SHA-256', bytes),
  nodeCreateHash: (bytes) => createHash('sha256').update(bytes).digest(),
};

/** Runs `op` back to back (one at a time) until `seconds` have passed. */
async function timeFor(op: Op, bytes: Uint8Array<ArrayBuffer>, seconds: number) {
  const start = performance.now();
  let iterations = 0;
  let elapsed = 0;
  do {
    await op(bytes);
    iterations++;
    elapsed = (performance.now() - start) / 1000;
  } while (elapsed < seconds);
  return { iterations, elapsed };
}

/**
 * Times every op in interleaved rounds, so a burst of load from elsewhere on the machine hits
 * all of them alike, and keeps each op's median round. Each op gets >= minSeconds in total.
 */
async function measureAll(bytes: Uint8Array<ArrayBuffer>): Promise<Record<OpName, Measurement>> {
  const names = Object.keys(ops) as OpName[];
  for (const name of names) await timeFor(ops[name], bytes, warmupSeconds);
  const samples = Object.fromEntries(names.map((n) => [n, [] as Sample[]])) as Record<
    OpName,
    Sample[]
  >;
  for (let round = 0; round < rounds; round++) {
    for (const name of names)
      samples[name].push(await timeFor(ops[name], bytes, minSeconds / rounds));
  }
  return Object.fromEntries(
    names.map((name) => {
      const byRate = samples[name].sort(
        (a, b) => a.iterations / a.elapsed - b.iterations / b.elapsed,
      );
      const median = byRate[Math.floor(byRate.length / 2)]!;
      const iterations = byRate.reduce((sum, s) => sum + s.iterations, 0);
      return [
        name,
        {
          mbPerSec: round((bytes.length * median.iterations) / median.elapsed / 1e6),
          msPerOp: round((median.elapsed * 1000) / median.iterations, 3),
          iterations,
        },
      ];
    }),
  ) as Record<OpName, Measurement>;
}

function round(value: number, digits = 1): number {
  return Number(value.toFixed(digits));
}

function label(size: number): string {
  return size >= 1024 * 1024 ? `${size / (1024 * 1024)} MiB` : `${size / 1024} KiB`;
}

const results = [];
for (const size of sizes) {
  const bytes = randomFillSync(new Uint8Array(size));
  const {
    merkleRoot: merkle,
    subtleDigest: subtle,
    nodeCreateHash: node,
  } = await measureAll(bytes);
  results.push({
    size: label(size),
    sizeBytes: size,
    leaves: Math.ceil(size / 16384),
    merkleRoot: merkle,
    subtleDigest: subtle,
    nodeCreateHash: node,
    ratioMerkleToSubtle: round(merkle.mbPerSec / subtle.mbPerSec, 2),
  });
}

const header = ['size', 'merkleRoot MB/s', 'ms/op', 'subtle MB/s', 'node MB/s', 'merkle/subtle'];
const rows = results.map((r) => [
  r.size,
  String(r.merkleRoot.mbPerSec),
  String(r.merkleRoot.msPerOp),
  String(r.subtleDigest.mbPerSec),
  String(r.nodeCreateHash.mbPerSec),
  r.ratioMerkleToSubtle.toFixed(2),
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of rows) console.log(line(row));

const cpuList = cpus();
const report = {
  benchmark: 'merkle',
  generatedAt: new Date().toISOString(),
  quick,
  minSecondsPerCase: minSeconds,
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  cpu: `${cpuList.length} x ${cpuList[0]?.model ?? 'unknown'}`,
  unit: 'MB/s (MB = 10^6 bytes), median of interleaved rounds; one operation at a time',
  rounds,
  results,
};
mkdirSync(new URL('.', resultsUrl), { recursive: true });
writeFileSync(resultsUrl, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nwrote ${fileURLToPath(resultsUrl)}`);
