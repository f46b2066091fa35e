/**
 * Chat delivery benchmark (issue 13, decision 40): N simulated viewers (socket.io clients, each
 * a real session of the stream) in one room, messages sent at a bounded rate for a bounded time,
 * delivery latency measured from the send to each client's receipt (one process, one clock).
 * Scenarios: one coordinator process, one on Redis, and two coordinator processes sharing the
 * room through Redis (clients split between them) on one PostgreSQL schema. Prints p50/p95/p99
 * and messages per second; writes bench/results/chat/chat-latest.{md,json}.
 * See `npm run bench:chat -- --help`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  CHAT_PATH,
  type ChatClientEvents,
  type ChatMessage,
  type ChatServerEvents,
} from '@streamrp2p/protocol';
import { createClient } from 'redis';
import { io, type Socket } from 'socket.io-client';
import { latencySummary, type LatencySummary } from '../coordinator/load-lib.js';
import { choice, integer, parseFlags, UsageError } from '../lib/flags.js';
import { createBenchSchema, type BenchSchema } from '../lib/pg-schema.js';
import { markdownTable, textTable, type Table } from '../lib/table.js';
import type { ChatServerMessage } from './chat-server.js';

const HELP = `Usage: npm run bench:chat -- [flags]
  --clients N       simulated viewers in the room (default 100)
  --rate N          messages per second over all viewers (default 20)
  --seconds N       sending time per scenario (default 20)
  --scenarios S     all | single | redis (default all: 1 process, 1 on Redis, 2 on Redis)
  --redis-url URL   Redis of the Redis scenarios (default redis://127.0.0.1:6379)
Needs PostgreSQL (DATABASE_URL_BENCH, else postgres://root@127.0.0.1:5432/test): the two
processes share one database, and every scenario uses it alike.`;

const OUT_DIR = fileURLToPath(new URL('../results/chat/', import.meta.url));
const SERVER = fileURLToPath(new URL('./chat-server.ts', import.meta.url));
/** How long to wait for the last deliveries after sending stops. */
const DRAIN_MS = 5000;

type ChatClient = Socket<ChatServerEvents, ChatClientEvents>;

interface Scenario {
  name: string;
  processes: number;
  redis: boolean;
}

interface ScenarioResult extends Scenario {
  clients: number;
  targetRate: number;
  seconds: number;
  sent: number;
  accepted: number;
  refused: Record<string, number>;
  expectedDeliveries: number;
  deliveries: number;
  lost: number;
  /** Accepted messages per second of sending. */
  messagesPerSecond: number;
  /** Messages received by clients per second of sending (each message reaches every client). */
  deliveriesPerSecond: number;
  latency: LatencySummary;
  /** Send to the sender's ack (stored, limits checked, points awarded). */
  ackLatency: LatencySummary;
}

function parse(argv: string[]) {
  const flags = parseFlags(argv, {
    clients: { type: 'string' },
    rate: { type: 'string' },
    seconds: { type: 'string' },
    scenarios: { type: 'string' },
    'redis-url': { type: 'string' },
    help: { type: 'boolean' },
  });
  return {
    help: flags.help === true,
    clients: integer('clients', flags.clients, 100, 2, 1000),
    rate: integer('rate', flags.rate, 20, 1, 1000),
    seconds: integer('seconds', flags.seconds, 20, 1, 600),
    scenarios: choice('scenarios', flags.scenarios, 'all', ['all', 'single', 'redis'] as const),
    redisUrl: flags['redis-url'] ?? 'redis://127.0.0.1:6379',
  };
}

async function redisReachable(url: string): Promise<string | undefined> {
  const client = createClient({ url, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    if (client.isOpen) await client.quit();
  }
}

function startServer(
  databaseUrl: string,
  redisUrl: string | undefined,
): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(SERVER, [], {
    env: { ...process.env, BENCH_DATABASE_URL: databaseUrl, BENCH_REDIS_URL: redisUrl ?? '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`coordinator exited with ${code}`)));
    child.on('message', (message: ChatServerMessage) => {
      if (message.type === 'ready') resolve({ url: message.url, child });
      else reject(new Error(message.message));
    });
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send({ type: 'close' });
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function post<T>(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function publicKey(): Promise<string> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  return Buffer.from(await crypto.subtle.exportKey('raw', pair.publicKey)).toString('base64url');
}

/** A stream and `count` live sessions of it, each from a fake address on a /24 of its own. */
async function audience(url: string, count: number) {
  const streamer = await post<{ apiKey: string }>(
    `${url}/api/streamers`,
    { name: 'bench' },
    {
      'x-forwarded-for': '10.250.0.1',
    },
  );
  const stream = await post<{ streamId: string }>(
    `${url}/api/streams`,
    { hlsUrl: 'http://127.0.0.1:9/live/master.m3u8', title: 'chat bench' },
    { authorization: `Bearer ${streamer.apiKey}` },
  );
  const sessions: { sessionSecret: string }[] = [];
  for (let i = 0; i < count; i += 10) {
    const batch = Array.from({ length: Math.min(10, count - i) }, async (_, j) =>
      post<{ sessionSecret: string }>(
        `${url}/api/sessions`,
        { streamId: stream.streamId, publicKey: await publicKey() },
        { 'x-forwarded-for': `10.${100 + ((i + j) >> 8)}.${(i + j) & 255}.7` },
      ),
    );
    sessions.push(...(await Promise.all(batch)));
  }
  return { streamId: stream.streamId, sessions };
}

function join(url: string, streamId: string, sessionSecret: string): Promise<ChatClient> {
  const socket: ChatClient = io(url, {
    path: CHAT_PATH,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { streamId, sessionSecret },
  });
  return new Promise((resolve, reject) => {
    socket.once('welcome', () => resolve(socket));
    socket.once('connect_error', (error) => reject(error));
  });
}

async function runScenario(
  scenario: Scenario,
  params: ReturnType<typeof parse>,
): Promise<ScenarioResult> {
  const schema: BenchSchema = await createBenchSchema();
  const servers: { url: string; child: ChildProcess }[] = [];
  const sockets: ChatClient[] = [];
  try {
    const redisUrl = scenario.redis ? params.redisUrl : undefined;
    // One after the other: the first migrates the schema.
    for (let p = 0; p < scenario.processes; p++)
      servers.push(await startServer(schema.url, redisUrl));
    const { streamId, sessions } = await audience(servers[0]!.url, params.clients);
    for (let i = 0; i < sessions.length; i += 20) {
      const batch = sessions
        .slice(i, i + 20)
        .map((s, j) => join(servers[(i + j) % servers.length]!.url, streamId, s.sessionSecret));
      sockets.push(...(await Promise.all(batch)));
    }

    const sentAt = new Map<number, number>();
    const latencies: number[] = [];
    const acks: number[] = [];
    let deliveries = 0;
    const onMessage = (message: ChatMessage) => {
      if (message.type !== 'message' || !message.text.startsWith('b:')) return;
      const at = sentAt.get(Number(message.text.slice(2)));
      if (at === undefined) return;
      latencies.push(performance.now() - at);
      deliveries++;
    };
    for (const socket of sockets) socket.on('message', onMessage);

    const refused: Record<string, number> = {};
    let accepted = 0;
    const pending: Promise<void>[] = [];
    const intervalMs = 1000 / params.rate;
    const total = Math.floor(params.seconds * params.rate);
    const start = performance.now();
    for (let seq = 0; seq < total; seq++) {
      const due = start + seq * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const sender = sockets[seq % sockets.length]!;
      const t0 = performance.now();
      sentAt.set(seq, t0);
      pending.push(
        sender.emitWithAck('send', { text: `b:${seq}` }).then((ack) => {
          acks.push(performance.now() - t0);
          if (ack.ok) accepted++;
          else refused[ack.error.code] = (refused[ack.error.code] ?? 0) + 1;
        }),
      );
    }
    await Promise.all(pending);
    const sendingSeconds = (performance.now() - start) / 1000;
    const expected = accepted * sockets.length;
    const drainUntil = performance.now() + DRAIN_MS;
    while (deliveries < expected && performance.now() < drainUntil) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return {
      ...scenario,
      clients: sockets.length,
      targetRate: params.rate,
      seconds: Math.round(sendingSeconds * 10) / 10,
      sent: total,
      accepted,
      refused,
      expectedDeliveries: expected,
      deliveries,
      lost: expected - deliveries,
      messagesPerSecond: Math.round((accepted / sendingSeconds) * 10) / 10,
      deliveriesPerSecond: Math.round(deliveries / sendingSeconds),
      latency: latencySummary(latencies),
      ackLatency: latencySummary(acks),
    };
  } finally {
    for (const socket of sockets) socket.disconnect();
    await Promise.all(servers.map((s) => stopServer(s.child)));
    await schema.drop();
  }
}

function table(results: ScenarioResult[]): Table {
  const ms = (v: number | null) => (v === null ? '-' : v.toFixed(1));
  return {
    headers: [
      'scenario',
      'clients',
      'msg/s',
      'deliveries/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
      'ack p95 ms',
      'lost',
      'refused',
    ],
    rows: results.map((r) => [
      r.name,
      String(r.clients),
      r.messagesPerSecond.toFixed(1),
      String(r.deliveriesPerSecond),
      ms(r.latency.p50Ms),
      ms(r.latency.p95Ms),
      ms(r.latency.p99Ms),
      ms(r.latency.maxMs),
      ms(r.ackLatency.p95Ms),
      String(r.lost),
      Object.entries(r.refused)
        .map(([code, n]) => `${code} ${n}`)
        .join(', ') || '0',
    ]),
    textColumns: [10],
  };
}

async function main(): Promise<void> {
  let params: ReturnType<typeof parse>;
  try {
    params = parse(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${HELP}`);
    process.exit(2);
  }
  if (params.help) {
    console.log(HELP);
    return;
  }
  const scenarios: Scenario[] = [];
  if (params.scenarios !== 'redis')
    scenarios.push({ name: '1 process', processes: 1, redis: false });
  if (params.scenarios !== 'single') {
    const problem = await redisReachable(params.redisUrl);
    if (problem !== undefined)
      throw new Error(`Redis at ${params.redisUrl} is unreachable: ${problem}`);
    scenarios.push({ name: '1 process, Redis adapter', processes: 1, redis: true });
    scenarios.push({ name: '2 processes on Redis', processes: 2, redis: true });
  }
  const loadAtStart = os.loadavg()[0]!;
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    console.log(
      `${scenario.name}: ${params.clients} clients, ${params.rate} msg/s for ${params.seconds} s ...`,
    );
    results.push(await runScenario(scenario, params));
  }
  const summary = table(results);
  console.log(`\n${textTable(summary)}`);
  const p95 = Math.max(...results.map((r) => r.latency.p95Ms ?? Infinity));
  console.log(
    `\nworst p95 delivery latency ${p95} ms (target < 500 ms): ${p95 < 500 ? 'met' : 'MISSED'}`,
  );
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim(),
    node: process.version,
    /** 1-minute load average at the start and the end: the machine is shared. */
    loadAverage: [loadAtStart, os.loadavg()[0]!].map((l) => Math.round(l * 10) / 10),
  };
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(
    `${OUT_DIR}chat-latest.json`,
    `${JSON.stringify({ measuredAt: new Date().toISOString(), machine, params, results }, null, 2)}\n`,
  );
  writeFileSync(
    `${OUT_DIR}chat-latest.md`,
    [
      '# Chat delivery benchmark',
      '',
      `Measured ${new Date().toISOString()} on ${machine.cpus} cores (${machine.cpuModel}), Node ${machine.node}, load average ${machine.loadAverage.join(' to ')}, with \`npm run bench:chat${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\`.`,
      `${params.clients} socket.io clients, each a live session of the stream, in one room; ${params.rate} messages a second over all of them for ${params.seconds} s; PostgreSQL; latency from the send to each client's receipt (the sender's own copy included), in the load generator's one process and clock. Each message is stored, checked against mutes, slow mode and the per-viewer and per-address limits, and awarded points.`,
      '',
      markdownTable(summary),
      '',
      `Worst p95: ${p95} ms (target under 500 ms).`,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
