/**
 * Receipt ingestion load test: the coordinator in a child process on a fresh PostgreSQL schema
 * (or PGlite), receipt batches (each signed once beforehand) posted at a fixed concurrency, and
 * a probe that times other API calls meanwhile. See `npm run bench:coordinator -- --help`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { verify as nodeVerify, createPublicKey } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  encodeReceiptBatch,
  hexToBytes,
  MAX_TICKETS_PER_BATCH,
  type ReceiptBody,
} from '@streamrp2p/protocol';
import { issueMeetingTicket } from '@streamrp2p/tracker';
import { createBenchSchema } from '../lib/pg-schema.js';
import { markdownTable, textTable, type Table } from '../lib/table.js';
import {
  BENCH_TRACKER_SECRET,
  HELP,
  UsageError,
  benchKeys,
  latencySummary,
  parseLoadArgs,
  parsePhases,
  phaseDelta,
  postgresCpuDelta,
  postgresCpuSeconds,
  processCpuSeconds,
  signBytes,
  type BenchKeys,
  type LoadParams,
  type PhaseTotals,
} from './load-lib.js';
import type { ControlMessage, SeededRoot, ServerMessage } from './server.js';

const OUT_DIR = fileURLToPath(new URL('../results/', import.meta.url));

interface Session {
  sessionId: string;
  sessionSecret: string;
  peerId: string;
  viewerId: string;
  keys: BenchKeys;
}

interface Batch {
  receiver: Session;
  receipts: ReceiptBody[];
  /** The receiver's signature over `encodeReceiptBatch` of these receipts, base64url. */
  signature: string;
  /** The signed bytes (for the verify cost measurement). */
  bytes: Uint8Array<ArrayBuffer>;
  /** Meeting tickets for the batch's pairs, as the tracker issues them (decision 22). */
  tickets: string[];
}

const cleanups: Array<() => Promise<void>> = [];
async function cleanup(): Promise<void> {
  while (cleanups.length > 0) await cleanups.pop()!().catch(() => undefined);
}

async function json<T>(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

async function startServer(params: LoadParams): Promise<{ child: ChildProcess; url: string }> {
  let databaseUrl = '';
  if (params.database === 'postgres') {
    const schema = await createBenchSchema();
    cleanups.push(() => schema.drop());
    databaseUrl = schema.url;
  }
  const child = fork(fileURLToPath(new URL('./server.ts', import.meta.url)), {
    execArgv: [
      '--conditions=@streamrp2p/source',
      '--import',
      'tsx',
      // BENCH_CPU_PROF=<dir>: a V8 CPU profile of the coordinator, written when it exits.
      ...(process.env.BENCH_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
        : []),
    ],
    env: { ...process.env, BENCH_DATABASE_URL: databaseUrl, BENCH_POOL_SIZE: String(params.pool) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        if (child.connected) child.send({ type: 'close' } satisfies ControlMessage);
        else child.kill('SIGTERM');
      }),
  );
  const url = await nextMessage(child, 'ready', 120_000);
  return { child, url: url.url };
}

function nextMessage<T extends ServerMessage['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<ServerMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no "${type}" from the coordinator`)), timeoutMs);
    const onMessage = (message: ServerMessage) => {
      if (message.type === type) done(undefined, message as Extract<ServerMessage, { type: T }>);
      else if (message.type === 'error') done(new Error(`coordinator: ${message.message}`));
    };
    const onExit = (code: number | null) => done(new Error(`coordinator exited (${code})`));
    function done(error?: Error, message?: Extract<ServerMessage, { type: T }>) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error !== undefined) reject(error);
      else resolve(message!);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Runs `fn` over `items`, `limit` at a time. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

let ipCounter = 0;
async function createSessions(url: string, streamId: string, count: number): Promise<Session[]> {
  const sessions: Session[] = [];
  await pool(
    Array.from({ length: count }, (_, i) => i),
    8,
    async () => {
      const keys = benchKeys();
      ipCounter++;
      const ip = `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
      const body = await json<Omit<Session, 'keys'>>(
        `${url}/api/sessions`,
        'POST',
        { streamId, publicKey: keys.publicKey },
        { 'x-forwarded-for': ip },
      );
      sessions.push({ ...body, keys });
    },
  );
  return sessions;
}

/** Pre-signs every receipt: each receiver gets distinct segments, from random uploaders. */
function signReceipts(
  params: LoadParams,
  streamId: string,
  roots: SeededRoot[],
  receivers: Session[],
  uploaders: Session[],
): Batch[] {
  const perReceiver = receivers.map(
    (_, i) =>
      Math.floor(params.receipts / receivers.length) +
      (i < params.receipts % receivers.length ? 1 : 0),
  );
  const queues: Batch[][] = [];
  const renditions = new Set(roots.map(([rendition]) => rendition)).size;
  receivers.forEach((receiver, r) => {
    // A random sample of distinct segments: each receipt of this receiver is new.
    const order = Array.from(roots.keys());
    for (let i = 0; i < perReceiver[r]!; i++) {
      const j = i + Math.floor(Math.random() * (order.length - i));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const receipts: ReceiptBody[] = [];
    // Each receiver met few enough uploaders that a batch carries a ticket for each of its
    // pairs (one per uploader and rendition, at most MAX_TICKETS_PER_BATCH).
    const met = Array.from(
      {
        length: Math.max(
          1,
          Math.min(Math.floor(MAX_TICKETS_PER_BATCH / renditions), uploaders.length),
        ),
      },
      (_, k) => uploaders[(r + k) % uploaders.length]!,
    );
    for (let i = 0; i < perReceiver[r]!; i++) {
      const [rendition, sequence, root, byteLength] = roots[order[i]!]!;
      const uploader = met[Math.floor(Math.random() * met.length)]!;
      receipts.push({
        uploaderPeerId: uploader.peerId,
        streamId,
        rendition,
        sequence,
        root,
        byteLength,
        timestamp: Date.now(),
      });
    }
    // One signature per batch, over the batch encoding, as the SDK signs what it posts.
    const batches: Batch[] = [];
    for (let at = 0; at < receipts.length; at += params.batch) {
      const slice = receipts.slice(at, at + params.batch);
      const bytes = encodeReceiptBatch({
        receiverSessionId: receiver.sessionId,
        receipts: slice.map((r) => ({ ...r, root: hexToBytes(r.root) })),
      });
      const signature = signBytes(receiver.keys.privateKey, bytes);
      const pairs = new Map(slice.map((r) => [`${r.rendition}|${r.uploaderPeerId}`, r]));
      const tickets = [...pairs.values()].map((r) =>
        issueMeetingTicket(
          BENCH_TRACKER_SECRET,
          `${streamId}:${r.rendition}`,
          receiver.peerId,
          r.uploaderPeerId,
          r.timestamp - 1000,
        ),
      );
      batches.push({ receiver, receipts: slice, signature, bytes, tickets });
    }
    queues.push(batches);
  });
  // Round robin over receivers, so batches in flight come from different receivers.
  const interleaved: Batch[] = [];
  for (let i = 0; interleaved.length < queues.reduce((n, q) => n + q.length, 0); i++) {
    for (const queue of queues) if (i < queue.length) interleaved.push(queue[i]!);
  }
  return interleaved;
}

/**
 * What checking one batch signature (over `--batch` receipts' encoding) costs in this process,
 * four ways: wall time per signature, and for the two concurrent (threadpool) ways the CPU time
 * of all threads per signature, which is what bounds throughput when cores are short.
 */
async function verifyCost(receiver: Session, batch: Batch): Promise<Record<string, number>> {
  const samples = Array.from({ length: 200 }, () => ({
    bytes: batch.bytes,
    signature: Buffer.from(batch.signature, 'base64url'),
  }));
  const reps = Math.ceil(2000 / samples.length);
  const raw = Buffer.from(receiver.keys.publicKey, 'base64url');
  const key = await crypto.subtle.importKey(
    'raw',
    raw,
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['verify'],
  );
  const keyObject = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: raw.subarray(1, 33).toString('base64url'),
      y: raw.subarray(33).toString('base64url'),
    },
    format: 'jwk',
  });
  const algorithm = { name: 'ECDSA', hash: 'SHA-256' };
  const n = reps * samples.length;
  const time = async (fn: () => Promise<unknown>) => {
    const start = performance.now();
    await fn();
    return Math.round(((performance.now() - start) * 1000) / n) / 1000;
  };
  const cpuUs = async (fn: () => Promise<unknown>) => {
    const start = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(start);
    return Math.round(((used.user + used.system) / n) * 10) / 10;
  };
  const webCryptoConcurrent = async () => {
    for (let i = 0; i < reps; i++)
      await Promise.all(
        samples.map((s) => crypto.subtle.verify(algorithm, key, s.signature, s.bytes)),
      );
  };
  // What the coordinator runs (verify-signature.ts): node:crypto's callback form.
  const nodeCryptoCallback = async () => {
    for (let i = 0; i < reps; i++)
      await Promise.all(
        samples.map(
          (s) =>
            new Promise<boolean>((resolve, reject) =>
              nodeVerify(
                'sha256',
                s.bytes,
                { key: keyObject, dsaEncoding: 'ieee-p1363' },
                s.signature,
                (error, valid) => (error === null ? resolve(valid) : reject(error)),
              ),
            ),
        ),
      );
  };
  const importStart = performance.now();
  for (let i = 0; i < 500; i++)
    await crypto.subtle.importKey('raw', raw, { name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'verify',
    ]);
  const importMs = Math.round(((performance.now() - importStart) * 1000) / 500) / 1000;
  return {
    webCryptoSequentialMs: await time(async () => {
      for (let i = 0; i < reps; i++)
        for (const s of samples) await crypto.subtle.verify(algorithm, key, s.signature, s.bytes);
    }),
    webCryptoConcurrentMs: await time(webCryptoConcurrent),
    nodeCryptoSyncMs: await time(async () => {
      for (let i = 0; i < reps; i++)
        for (const s of samples)
          nodeVerify('sha256', s.bytes, { key: keyObject, dsaEncoding: 'ieee-p1363' }, s.signature);
    }),
    nodeCryptoCallbackMs: await time(nodeCryptoCallback),
    webCryptoConcurrentCpuUs: await cpuUs(webCryptoConcurrent),
    nodeCryptoCallbackCpuUs: await cpuUs(nodeCryptoCallback),
    importKeyMs: importMs,
  };
}

interface Tally {
  credited: number;
  duplicates: number;
  rejected: number;
  rejectedCodes: Record<string, number>;
  failedRequests: number;
  latenciesMs: number[];
}

async function ingest(
  url: string,
  batches: Batch[],
  params: LoadParams,
  deadline: number,
): Promise<Tally & { posted: number }> {
  const tally: Tally = {
    credited: 0,
    duplicates: 0,
    rejected: 0,
    rejectedCodes: {},
    failedRequests: 0,
    latenciesMs: [],
  };
  let next = 0;
  let posted = 0;
  await Promise.all(
    Array.from({ length: params.concurrency }, async () => {
      while (next < batches.length && Date.now() < deadline) {
        const batch = batches[next++]!;
        const start = performance.now();
        const res = await fetch(`${url}/api/receipts`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${batch.receiver.sessionSecret}`,
          },
          body: JSON.stringify({
            sessionId: batch.receiver.sessionId,
            receipts: batch.receipts,
            signature: batch.signature,
            tickets: batch.tickets,
          }),
        });
        const text = await res.text();
        tally.latenciesMs.push(performance.now() - start);
        posted += batch.receipts.length;
        if (!res.ok) {
          tally.failedRequests++;
          if (tally.failedRequests <= 3)
            console.error(`POST /api/receipts: ${res.status} ${text.slice(0, 200)}`);
          continue;
        }
        const body = JSON.parse(text) as {
          credited: number;
          duplicates: number;
          rejected: number;
          results: Array<{ code?: string }>;
        };
        tally.credited += body.credited;
        tally.duplicates += body.duplicates;
        tally.rejected += body.rejected;
        for (const r of body.results)
          if (r.code !== undefined)
            tally.rejectedCodes[r.code] = (tally.rejectedCodes[r.code] ?? 0) + 1;
      }
    }),
  );
  return { ...tally, posted };
}

/** Another client meanwhile: a roots range and a watch-time heartbeat, one at a time. */
function probe(url: string, streamId: string, sessions: Session[], segments: number) {
  const roots: number[] = [];
  const points: number[] = [];
  let running = true;
  const done = (async () => {
    for (let i = 0; running; i++) {
      const from = Math.floor(Math.random() * Math.max(1, segments - 100));
      let start = performance.now();
      const r = await fetch(
        `${url}/api/streams/${streamId}/roots?rendition=bench_r${i % 2}&from=${from}&to=${from + 99}`,
      );
      await r.arrayBuffer();
      if (r.ok) roots.push(performance.now() - start);
      const s = sessions[i % sessions.length]!;
      start = performance.now();
      const p = await fetch(`${url}/api/viewers/points`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${s.sessionSecret}` },
        body: JSON.stringify({
          viewer_id: s.viewerId,
          stream_id: streamId,
          action: 'watch_time',
          duration_seconds: 60,
          timestamp: Date.now(),
        }),
      });
      await p.arrayBuffer();
      if (p.ok) points.push(performance.now() - start);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return { roots: latencySummary(roots), points: latencySummary(points) };
    },
  };
}

function phaseRows(phases: PhaseTotals, batches: number, receipts: number): string[][] {
  const order = ['auth', 'verify', 'lookup', 'write'];
  const total = order.reduce((sum, p) => sum + (phases[p]?.sum ?? 0), 0);
  return order.map((p) => {
    const sum = phases[p]?.sum ?? 0;
    return [
      p,
      ((sum * 1000) / Math.max(1, batches)).toFixed(2),
      ((sum * 1e6) / Math.max(1, receipts)).toFixed(1),
      total > 0 ? `${Math.round((sum / total) * 100)}%` : '-',
    ];
  });
}

async function main(): Promise<number> {
  let params: LoadParams | 'help';
  try {
    params = parseLoadArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${HELP}`);
    return 2;
  }
  if (params === 'help') {
    console.log(HELP);
    return 0;
  }
  const startedAt = new Date();
  const loadBefore = os.loadavg()[0]!;
  const { child, url } = await startServer(params);
  console.log(`coordinator (${params.database}) at ${url}, pid ${child.pid}`);

  const streamer = await json<{ apiKey: string }>(`${url}/api/streamers`, 'POST', {
    name: 'bench',
  });
  const stream = await json<{ streamId: string }>(
    `${url}/api/streams`,
    'POST',
    { hlsUrl: 'http://127.0.0.1:9/live/master.m3u8', title: 'bench' },
    { authorization: `Bearer ${streamer.apiKey}` },
  );
  child.send({
    type: 'seed',
    streamId: stream.streamId,
    renditions: params.renditions,
    segments: params.segments,
  } satisfies ControlMessage);
  const { roots } = await nextMessage(child, 'seeded', 120_000);
  const perReceiverMax = roots.length;
  const receiverCount = Math.max(
    Math.ceil(params.receipts / perReceiverMax),
    params.concurrency * 4,
  );
  let setupStart = performance.now();
  const uploaders = await createSessions(url, stream.streamId, params.uploaders);
  const receivers = await createSessions(url, stream.streamId, receiverCount);
  const sessionsMs = performance.now() - setupStart;
  setupStart = performance.now();
  const batches = signReceipts(params, stream.streamId, roots, receivers, uploaders);
  const signMs = performance.now() - setupStart;
  console.log(
    `seeded ${roots.length} roots; ${uploaders.length} uploaders + ${receivers.length} receivers in ${Math.round(sessionsMs)} ms; ` +
      `signed ${batches.length} batches of ${params.receipts} receipts in ${Math.round(signMs)} ms (${Math.round((signMs * 1000) / batches.length)} us each)`,
  );
  const verify = await verifyCost(batches[0]!.receiver, batches[0]!);

  const phasesBefore = parsePhases(await (await fetch(`${url}/metrics`)).text());
  const cpuBefore = processCpuSeconds(child.pid!);
  const postgresBefore = postgresCpuSeconds();
  const ownBefore = process.cpuUsage();
  const probeLoop = probe(url, stream.streamId, uploaders, params.segments);
  const start = performance.now();
  const tally = await ingest(url, batches, params, Date.now() + params.seconds * 1000);
  const elapsedS = (performance.now() - start) / 1000;
  const probed = await probeLoop.stop();
  const cpuAfter = processCpuSeconds(child.pid!);
  const postgresCpu = postgresCpuDelta(postgresBefore, postgresCpuSeconds());
  const ownCpu = process.cpuUsage(ownBefore);
  const phases = phaseDelta(
    phasesBefore,
    parsePhases(await (await fetch(`${url}/metrics`)).text()),
  );
  // What the credit roll-up had left when posting stopped, then the ledger check.
  child.send({ type: 'settle' } satisfies ControlMessage);
  const settled = await nextMessage(child, 'settled', 120_000);
  const ledgerOk =
    settled.mismatchedSessions === 0 &&
    settled.sessionBytes === settled.receiptBytes &&
    settled.ledgerBytes === settled.receiptBytes;
  if (!ledgerOk) console.error('LEDGER MISMATCH: the counters differ from the receipts', settled);

  const batchesPosted = tally.latenciesMs.length;
  const latency = latencySummary(tally.latenciesMs);
  const result = {
    bench: 'coordinator-receipts',
    startedAt: startedAt.toISOString(),
    params,
    machine: {
      // Other work on the machine skews every figure: the 1-minute load average before and after.
      loadAverage: [loadBefore, os.loadavg()[0]!].map((v) => Math.round(v * 100) / 100),
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
      node: process.version,
    },
    setup: {
      roots: roots.length,
      uploaders: uploaders.length,
      receivers: receivers.length,
      signUsPerReceipt: Math.round((signMs * 1000) / params.receipts),
    },
    elapsedSeconds: Math.round(elapsedS * 100) / 100,
    receiptsPosted: tally.posted,
    batchesPosted,
    credited: tally.credited,
    duplicates: tally.duplicates,
    rejected: tally.rejected,
    rejectedCodes: tally.rejectedCodes,
    failedRequests: tally.failedRequests,
    creditedPerSecond: Math.round(tally.credited / elapsedS),
    batchesPerSecond: Math.round((batchesPosted / elapsedS) * 10) / 10,
    batchLatency: latency,
    coordinatorCpuShare:
      cpuBefore === null || cpuAfter === null
        ? null
        : Math.round(((cpuAfter - cpuBefore) / elapsedS) * 100) / 100,
    // Every local `postgres` process, so other users of the server count too (on a shared box).
    postgresCpuShare:
      params.database === 'postgres' ? Math.round((postgresCpu / elapsedS) * 100) / 100 : null,
    coordinatorCpuUsPerReceipt:
      cpuBefore === null || cpuAfter === null || tally.credited === 0
        ? null
        : Math.round(((cpuAfter - cpuBefore) * 1e6) / tally.credited),
    postgresCpuUsPerReceipt:
      params.database === 'postgres' && tally.credited > 0
        ? Math.round((postgresCpu * 1e6) / tally.credited)
        : null,
    loadGeneratorCpuShare: Math.round(((ownCpu.user + ownCpu.system) / 1e6 / elapsedS) * 100) / 100,
    rollup: {
      pendingRowsAtEnd: settled.pendingRows,
      flushMs: settled.flushMs,
      ledgerOk,
      receiptBytes: settled.receiptBytes,
      sessionBytes: settled.sessionBytes,
      ledgerBytes: settled.ledgerBytes,
      mismatchedSessions: settled.mismatchedSessions,
    },
    phases: Object.fromEntries(
      Object.entries(phases).map(([p, v]) => [
        p,
        {
          totalSeconds: Math.round(v.sum * 1000) / 1000,
          batches: v.count,
          msPerBatch: Math.round((v.sum * 1e6) / Math.max(1, v.count)) / 1000,
        },
      ]),
    ),
    underLoad: probed,
    verifyCostMsPerSignature: verify,
  };

  const summary: Table = {
    headers: ['figure', 'value'],
    textColumns: [1],
    rows: [
      ['database', params.database],
      ['machine load average (1 min) before / after', result.machine.loadAverage.join(' / ')],
      [
        'receipts x batch x concurrency',
        `${tally.posted} x ${params.batch} x ${params.concurrency}`,
      ],
      ['elapsed s', result.elapsedSeconds.toFixed(2)],
      [
        'credited / duplicate / rejected',
        `${tally.credited} / ${tally.duplicates} / ${tally.rejected}`,
      ],
      ['failed requests', String(tally.failedRequests)],
      ['receipts credited per second', String(result.creditedPerSecond)],
      [
        'batch latency p50 / p95 / p99 ms',
        `${latency.p50Ms} / ${latency.p95Ms} / ${latency.p99Ms}`,
      ],
      [
        'CPU cores: coordinator / postgres / load generator',
        `${result.coordinatorCpuShare} / ${result.postgresCpuShare ?? '-'} / ${result.loadGeneratorCpuShare}`,
      ],
      [
        // Less sensitive to other work on the machine than receipts/s: the cost, not the rate.
        'CPU us per credited receipt: coordinator / postgres',
        `${result.coordinatorCpuUsPerReceipt ?? '-'} / ${result.postgresCpuUsPerReceipt ?? '-'}`,
      ],
      [
        'roll-up: pending rows at end / flush ms / ledger',
        `${settled.pendingRows} / ${settled.flushMs} / ${ledgerOk ? 'counters = receipts' : 'MISMATCH'}`,
      ],
      [
        'GET roots under load p50 / p95 ms',
        `${probed.roots.p50Ms} / ${probed.roots.p95Ms} (${probed.roots.count})`,
      ],
      [
        'POST points under load p50 / p95 ms',
        `${probed.points.p50Ms} / ${probed.points.p95Ms} (${probed.points.count})`,
      ],
      [
        'verify ms/batch sig: WebCrypto seq / concurrent / node:crypto sync / callback (used)',
        `${verify.webCryptoSequentialMs} / ${verify.webCryptoConcurrentMs} / ${verify.nodeCryptoSyncMs} / ${verify.nodeCryptoCallbackMs}`,
      ],
      [
        'verify CPU us/batch sig, all threads: WebCrypto concurrent / node:crypto callback',
        `${verify.webCryptoConcurrentCpuUs} / ${verify.nodeCryptoCallbackCpuUs}`,
      ],
      ['WebCrypto importKey ms', String(verify.importKeyMs)],
    ],
  };
  const phaseTable: Table = {
    headers: ['phase', 'ms per batch', 'us per receipt', 'share'],
    rows: phaseRows(phases, batchesPosted, tally.posted),
  };
  console.log(`\n${textTable(summary)}\n\n${textTable(phaseTable)}\n`);

  mkdirSync(OUT_DIR, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const text = `${JSON.stringify(result, null, 2)}\n`;
  writeFileSync(`${OUT_DIR}coordinator-${stamp}.json`, text);
  writeFileSync(`${OUT_DIR}coordinator-latest.json`, text);
  writeFileSync(
    `${OUT_DIR}coordinator-latest.md`,
    `# Coordinator receipts load (${startedAt.toISOString()})\n\n` +
      `\`npm run bench:coordinator -- --receipts ${params.receipts} --concurrency ${params.concurrency} --batch ${params.batch} --database ${params.database}` +
      `${params.pool === 10 ? '' : ` --pool ${params.pool}`}${params.uploaders === 50 ? '' : ` --uploaders ${params.uploaders}`}\`` +
      ` on ${result.machine.cpus} x ${result.machine.cpuModel}, Node ${process.version}\n\n` +
      `${markdownTable(summary)}\n\nTime inside the coordinator per phase:\n\n${markdownTable(phaseTable)}\n`,
  );
  console.log(`wrote ${OUT_DIR}coordinator-latest.{json,md}`);
  return tally.failedRequests > 0 || tally.credited === 0 || !ledgerOk ? 1 : 0;
}

const hardLimit = setTimeout(() => {
  console.error('the run took too long; cleaning up');
  void cleanup().then(() => process.exit(1));
}, 30 * 60_000);
hardLimit.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanup().then(() => process.exit(130)));
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(error);
} finally {
  await cleanup();
}
process.exit(code);
