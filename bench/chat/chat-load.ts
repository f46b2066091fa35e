/**
 * Chat delivery benchmark (issue 13, decision 40): N simulated viewers (socket.io clients, each
 * a real session of the stream) in one room, messages sent at a bounded rate for a bounded time,
 * delivery latency measured from the send to each client's receipt (one process, one clock).
 * Scenarios: one coordinator process, one on Redis, and two coordinator processes sharing the
 * room through Redis (clients split between them) on one PostgreSQL schema. Prints p50/p95/p99
 * and messages per second; writes bench/results/chat/chat-latest.{md,json}.
 * See `npm run bench:chat -- --help`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { choice, integer, parseFlags, UsageError } from '../lib/flags.js';
import { markdownTable, textTable, type Table } from '../lib/table.js';
import { runScenario, type Scenario, type ScenarioResult } from './chat-scenario.js';

const HELP = `Usage: npm run bench:chat -- [flags]
  --clients N       simulated viewers in the room (default 100)
  --rate N          messages per second over all viewers (default 20)
  --seconds N       sending time per scenario (default 20)
  --scenarios S     all | single | redis (default all: 1 process, 1 on Redis, 2 on Redis)
  --redis-url URL   Redis of the Redis scenarios (default redis://127.0.0.1:6379)
Needs PostgreSQL (DATABASE_URL_BENCH, else postgres://root@127.0.0.1:5432/test): the two
processes share one database, and every scenario uses it alike.`;

const OUT_DIR = fileURLToPath(new URL('../results/chat/', import.meta.url));

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
