/**
 * One scenario of the chat benchmark (`chat-load.ts`): its coordinator process(es) forked on a
 * fresh PostgreSQL schema, a stream with one live session per client, the clients' sockets split
 * between the processes, messages sent round-robin at a fixed rate, and the delivery latencies
 * each client saw.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import {
  CHAT_PATH,
  type ChatClientEvents,
  type ChatMessage,
  type ChatServerEvents,
} from '@streamrp2p/protocol';
import { io, type Socket } from 'socket.io-client';
import { latencySummary, type LatencySummary } from '../coordinator/load-lib.js';
import { createBenchSchema, type BenchSchema } from '../lib/pg-schema.js';
import type { ChatServerMessage } from './chat-server.js';

const SERVER = fileURLToPath(new URL('./chat-server.ts', import.meta.url));
/** How long to wait for the last deliveries after sending stops. */
const DRAIN_MS = 5000;

type ChatClient = Socket<ChatServerEvents, ChatClientEvents>;

/** What a scenario is run with. */
export interface ScenarioParams {
  clients: number;
  rate: number;
  seconds: number;
  redisUrl: string;
}

export interface Scenario {
  name: string;
  processes: number;
  redis: boolean;
}

export interface ScenarioResult extends Scenario {
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

export async function runScenario(
  scenario: Scenario,
  params: ScenarioParams,
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
