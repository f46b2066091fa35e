/**
 * Pieces of the receipts load test: flags, P-256 keys and signing with node:crypto, latency
 * percentiles, the phase histograms read from `/metrics`, and the CPU time of a process.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { encodeReceiptBatch, hexToBytes, toLowS, type ReceiptBody } from '@streamrp2p/protocol';
import { integer, parseFlags, UsageError } from '../lib/flags.js';

export interface LoadParams {
  /** Receipts posted, in batches signed beforehand. @default 100000 */
  receipts: number;
  /** Batches in flight. @default 8 */
  concurrency: number;
  /** Receipts per request (1..500). @default 100 */
  batch: number;
  /** @default 'postgres' */
  database: 'postgres' | 'pglite';
  /** Upper bound of the timed phase. @default 120 */
  seconds: number;
  /** Renditions x segments seeded as indexed roots. @default 2 x 2000 */
  renditions: number;
  segments: number;
  /** Uploader sessions receipts are spread over. @default 50 */
  uploaders: number;
  /** The coordinator's PostgreSQL pool size (`databasePoolSize`). @default 10 */
  pool: number;
}

export const HELP = `Usage: npm run bench:coordinator -- [options]

Starts the coordinator in a child process (indexer off) on a fresh PostgreSQL schema (or PGlite),
seeds indexed segment roots, creates sessions with real P-256 keys, signs each batch of receipts
once, then posts them and measures receipts credited per second, request latency, the
coordinator's time per phase and the latency of other API calls under that load. Results: bench/results/coordinator-latest.{json,md}.

Options:
  --receipts <n>      receipts to post, 1..2000000 (default 100000)
  --concurrency <c>   batches in flight, 1..256 (default 8)
  --batch <b>         receipts per request, 1..500 (default 100)
  --database <name>   postgres | pglite (default postgres; DATABASE_URL_BENCH or
                      postgres://root@127.0.0.1:5432/test)
  --seconds <s>       stop posting after s seconds, 1..3600 (default 120)
  --segments <n>      indexed segments per rendition, 1..100000 (default 2000; 2 renditions)
  --uploaders <n>     uploader sessions, 1..10000 (default 50)
  --pool <n>          the coordinator's PostgreSQL pool size, 1..200 (default 10)
  -h, --help          show this help
`;

export { UsageError };

export function parseLoadArgs(argv: string[]): LoadParams | 'help' {
  const values = parseFlags(argv, {
    receipts: { type: 'string' },
    concurrency: { type: 'string' },
    batch: { type: 'string' },
    database: { type: 'string' },
    seconds: { type: 'string' },
    segments: { type: 'string' },
    uploaders: { type: 'string' },
    pool: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';
  const database = values.database ?? 'postgres';
  if (database !== 'postgres' && database !== 'pglite') {
    throw new UsageError(`--database must be postgres or pglite, got "${database}"`);
  }
  return {
    receipts: integer('receipts', values.receipts, 100_000, 1, 2_000_000),
    concurrency: integer('concurrency', values.concurrency, 8, 1, 256),
    batch: integer('batch', values.batch, 100, 1, 500),
    database,
    seconds: integer('seconds', values.seconds, 120, 1, 3600),
    renditions: 2,
    segments: integer('segments', values.segments, 2000, 1, 100_000),
    uploaders: integer('uploaders', values.uploaders, 50, 1, 10_000),
    pool: integer('pool', values.pool, 10, 1, 200),
  };
}

/** A P-256 key pair; `publicKey` is the raw uncompressed point, base64url, as the API takes it. */
export interface BenchKeys {
  privateKey: KeyObject;
  publicKey: string;
}

export function benchKeys(): BenchKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const raw = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x!, 'base64url'),
    Buffer.from(jwk.y!, 'base64url'),
  ]);
  return { privateKey, publicKey: raw.toString('base64url') };
}

/** ECDSA P-256 / SHA-256 in IEEE P1363 form, base64url: what the SDK sends. */
export function signBytes(key: KeyObject, bytes: Uint8Array): string {
  const signature = sign('sha256', bytes, { key, dsaEncoding: 'ieee-p1363' });
  return Buffer.from(toLowS(signature)).toString('base64url');
}

/** The batch signature the coordinator expects for `receipts` posted as `sessionId`. */
export function signReceiptBatch(
  key: KeyObject,
  sessionId: string,
  receipts: readonly ReceiptBody[],
): string {
  const bytes = encodeReceiptBatch({
    receiverSessionId: sessionId,
    receipts: receipts.map((r) => ({ ...r, root: hexToBytes(r.root) })),
  });
  return signBytes(key, bytes);
}

/** Nearest-rank percentile of ascending `sorted`, or null when empty. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export interface LatencySummary {
  count: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export function latencySummary(samplesMs: number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return {
    count: sorted.length,
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted.at(-1) ?? null),
  };
}

/** `{ phase: { sum seconds, count } }` of the receipt phase histogram in Prometheus text. */
export type PhaseTotals = Record<string, { sum: number; count: number }>;

export function parsePhases(metrics: string): PhaseTotals {
  const totals: PhaseTotals = {};
  const re =
    /^streamrp2p_coordinator_receipt_phase_seconds_(sum|count)\{phase="([a-z]+)"\} ([0-9.e+-]+)$/gm;
  for (const [, kind, phase, value] of metrics.matchAll(re)) {
    const entry = (totals[phase!] ??= { sum: 0, count: 0 });
    entry[kind as 'sum' | 'count'] = Number(value);
  }
  return totals;
}

export function phaseDelta(before: PhaseTotals, after: PhaseTotals): PhaseTotals {
  const delta: PhaseTotals = {};
  for (const [phase, end] of Object.entries(after)) {
    const start = before[phase] ?? { sum: 0, count: 0 };
    delta[phase] = { sum: end.sum - start.sum, count: end.count - start.count };
  }
  return delta;
}

/** User + system CPU seconds a Linux process has used (/proc/<pid>/stat), or null. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the name start at state (3); utime and stime are 14 and 15, in clock ticks.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * CPU seconds per live `postgres` process (/proc), by pid: the PostgreSQL server's share of the
 * machine when it runs here. Empty when there is no /proc or no local server.
 */
export function postgresCpuSeconds(): Map<number, number> {
  const found = new Map<number, number>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return found;
  }
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue;
    }
    const seconds = processCpuSeconds(Number(pid));
    if (seconds !== null) found.set(Number(pid), seconds);
  }
  return found;
}

/**
 * CPU seconds the `postgres` processes used between two {@link postgresCpuSeconds} samples;
 * a backend started in between counts from zero (one that exited in between is missed).
 */
export function postgresCpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}

/** The tracker secret the load test's coordinator shares (it mints the meeting tickets). */
export const BENCH_TRACKER_SECRET = 'bench-tracker-secret-0123456789';
