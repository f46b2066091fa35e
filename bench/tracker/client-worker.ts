/**
 * One client process of the tracker load generator: opens its share of
 * socket.io clients at its share of the join rate, joins each to a swarm,
 * sends one timestamped signal to a peer from the join answer, and records
 * connect, join and signal-arrival latencies. Started by load.ts over IPC.
 */
import { io, type Socket } from 'socket.io-client';
import {
  wallClockMs,
  type ParentMessage,
  type ResultMessage,
  type StartMessage,
  type WorkerMessage,
} from './protocol.js';

interface JoinAck {
  ok: boolean;
  swarm?: string;
  peers?: Array<{ peerId: string }>;
  error?: { code: string };
}

const sockets: Socket[] = [];
const connectMs: number[] = [];
const joinMs: number[] = [];
const signalMs: number[] = [];
const errors: Record<string, number> = {};
let opened = 0;
let connected = 0;
let joined = 0;
let settled = 0;
let signalsSent = 0;
let signalAcksOk = 0;
let errorCount = 0;
let target = 0;

function send(message: WorkerMessage): void {
  process.send?.(message);
}

function fail(code: string): void {
  errors[code] = (errors[code] ?? 0) + 1;
  errorCount++;
}

function openClient(start: StartMessage, i: number): void {
  const g = start.index + i * start.workers;
  const streamId = `bench-${g % start.swarms}`;
  const began = performance.now();
  const socket = io(start.url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 20_000,
    auth: { v: 1 },
  });
  sockets.push(socket);
  opened++;
  let done = false;
  const settle = () => {
    if (!done) settled++;
    done = true;
  };
  socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
    fail(`connect:${err.data?.code ?? err.message}`);
    settle();
  });
  socket.on('disconnect', (reason) => {
    if (reason !== 'io client disconnect') fail(`disconnect:${reason}`);
    if (connected > 0) connected--;
    settle();
  });
  socket.on('signal', (msg: { data?: { sdp?: string } }) => {
    const sentAt = Number(msg.data?.sdp);
    if (Number.isFinite(sentAt)) signalMs.push(wallClockMs() - sentAt);
  });
  socket.once('welcome', () => {
    connected++;
    connectMs.push(performance.now() - began);
    const joinAt = performance.now();
    socket
      .timeout(20_000)
      .emitWithAck('join', { streamId, rendition: 'hd' })
      .then((ack: JoinAck) => {
        if (!ack.ok) return fail(`join:${ack.error?.code ?? 'unknown'}`);
        joinMs.push(performance.now() - joinAt);
        joined++;
        const to = ack.peers?.[0]?.peerId;
        if (to === undefined) return;
        signalsSent++;
        const data = { type: 'bench', sdp: String(wallClockMs()) };
        return socket
          .timeout(20_000)
          .emitWithAck('signal', { swarm: ack.swarm, to, data })
          .then((signalAck: JoinAck) => {
            if (signalAck.ok) signalAcksOk++;
            else fail(`signal:${signalAck.error?.code ?? 'unknown'}`);
          });
      })
      .catch(() => fail('timeout'))
      .finally(settle);
  });
}

function progress(): void {
  send({
    type: 'progress',
    opened,
    connected,
    joined,
    errors: errorCount,
    done: settled >= target,
  });
}

function ramp(start: StartMessage): void {
  const began = performance.now();
  const timer = setInterval(() => {
    const due = Math.min(
      start.peers,
      Math.floor(((performance.now() - began) / 1000) * start.ratePerSecond) + 1,
    );
    while (opened < due && errorCount < start.maxErrors) openClient(start, opened);
    if (opened >= start.peers || errorCount >= start.maxErrors) {
      clearInterval(timer);
      // Stop waiting for clients that were never opened.
      target = opened;
    }
  }, 5);
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'start') {
    target = message.peers;
    setInterval(progress, 500).unref();
    ramp(message);
  } else if (message.type === 'report') {
    const result: ResultMessage = {
      type: 'result',
      connectMs,
      joinMs,
      signalMs,
      signalsSent,
      signalAcksOk,
      errors,
      connectedAtReport: connected,
    };
    send(result);
  } else if (message.type === 'stop') {
    for (const socket of sockets) socket.disconnect();
    setTimeout(() => process.exit(0), 200);
  }
});
// The parent going away (or killing us) must not leave sockets open.
process.on('disconnect', () => process.exit(0));
