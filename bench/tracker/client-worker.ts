/**
 * One client process of the tracker load generator: opens its share of
 * tracker clients at its share of the join rate, joins each to a swarm, sends
 * one timestamped signal to a peer from the join answer, and records connect,
 * join and signal-arrival latencies. Clients are {@link LightTrackerClient}s
 * (the socket.io wire protocol over a bare WebSocket), so this process stays
 * light. Started by load.ts over IPC.
 */
import { TRACKER_PROTOCOL_VERSION } from '@streamrp2p/protocol';
import { AckError, LightTrackerClient } from './light-client.js';
import {
  wallClockMs,
  type ParentMessage,
  type ResultMessage,
  type StartMessage,
  type WorkerMessage,
} from './protocol.js';

interface Ack {
  ok: boolean;
  swarm?: string;
  peers?: Array<{ peerId: string }>;
  error?: { code: string };
}

const TIMEOUT_MS = 20_000;
const clients: LightTrackerClient[] = [];
const upgradeMs: number[] = [];
const connectMs: number[] = [];
const joinMs: number[] = [];
const signalMs: number[] = [];
const signalLocalMs: number[] = [];
const signalCrossMs: number[] = [];
const errors: Record<string, number> = {};
let opened = 0;
let connected = 0;
let joined = 0;
let settled = 0;
let signalsSent = 0;
let signalAcksOk = 0;
let errorCount = 0;
let target = 0;
let stopping = false;

function send(message: WorkerMessage): void {
  process.send?.(message);
}

function fail(code: string): void {
  errors[code] = (errors[code] ?? 0) + 1;
  errorCount++;
}

function failAck(stage: string, err: unknown): void {
  fail(err instanceof AckError ? `${stage}:${err.code}` : `${stage}:${String(err)}`);
}

/** A signal's `sdp`: its send time and the sender's tracker, `<wall clock ms>/<tracker index>`. */
function stamp(tracker: number): string {
  return `${wallClockMs()}/${tracker}`;
}

/** Records a signal's relay time, split by whether it crossed tracker processes. */
function arrived(sdp: string | undefined, tracker: number): void {
  const [sentAt, from] = (sdp ?? '').split('/').map(Number);
  if (sentAt === undefined || !Number.isFinite(sentAt)) return;
  const ms = wallClockMs() - sentAt;
  signalMs.push(ms);
  if (from !== undefined && Number.isInteger(from))
    (from === tracker ? signalLocalMs : signalCrossMs).push(ms);
}

/** Joins, then signals the first peer of the join answer with the send time as `sdp`. */
async function joinAndSignal(
  client: LightTrackerClient,
  streamId: string,
  tracker: number,
): Promise<void> {
  const joinAt = performance.now();
  const ack = (await client.emitWithAck('join', { streamId, rendition: 'hd' }).catch((err) => {
    failAck('join', err);
    return undefined;
  })) as Ack | undefined;
  if (ack === undefined) return;
  if (!ack.ok) return fail(`join:${ack.error?.code ?? 'unknown'}`);
  joinMs.push(performance.now() - joinAt);
  joined++;
  const to = ack.peers?.[0]?.peerId;
  if (to === undefined) return;
  signalsSent++;
  const data = { type: 'bench', sdp: stamp(tracker) };
  const signalAck = (await client
    .emitWithAck('signal', { swarm: ack.swarm, to, data })
    .catch((err) => {
      failAck('signal', err);
      return undefined;
    })) as Ack | undefined;
  if (signalAck === undefined) return;
  if (signalAck.ok) signalAcksOk++;
  else fail(`signal:${signalAck.error?.code ?? 'unknown'}`);
}

function openClient(start: StartMessage, i: number): void {
  const g = start.index + i * start.workers;
  const streamId = `bench-${g % start.swarms}`;
  const tracker = Math.floor(g / start.swarms) % start.urls.length;
  const began = performance.now();
  let done = false;
  let welcomed = false;
  const settle = () => {
    if (!done) settled++;
    done = true;
  };
  const client = new LightTrackerClient(
    {
      url: start.urls[tracker]!,
      auth: { v: TRACKER_PROTOCOL_VERSION },
      localAddress: start.localAddress,
      timeoutMs: TIMEOUT_MS,
    },
    {
      onOpen: () => upgradeMs.push(performance.now() - began),
      onConnectError: (data) => {
        const body = data as { data?: { code?: string }; message?: string } | undefined;
        fail(`connect:${body?.data?.code ?? body?.message ?? 'refused'}`);
      },
      onClose: (reason) => {
        if (reason !== 'io client disconnect' && reason !== 'connect error' && !stopping)
          fail(`disconnect:${reason}`);
        if (welcomed) connected--;
        settle();
      },
      onEvent: (name, args) => {
        if (name === 'signal') {
          const sdp = (args[0] as { data?: { sdp?: string } } | undefined)?.data?.sdp;
          arrived(sdp, tracker);
        } else if (name === 'welcome' && !welcomed) {
          welcomed = true;
          connected++;
          connectMs.push(performance.now() - began);
          void joinAndSignal(client, streamId, tracker).finally(settle);
        }
      },
    },
  );
  clients.push(client);
  opened++;
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
      upgradeMs,
      connectMs,
      joinMs,
      signalMs,
      signalLocalMs,
      signalCrossMs,
      signalsSent,
      signalAcksOk,
      errors,
      connectedAtReport: connected,
    };
    send(result);
  } else if (message.type === 'stop') {
    stopping = true;
    for (const client of clients) client.close();
    setTimeout(() => process.exit(0), 200);
  }
});
// The parent going away (or killing us) must not leave sockets open.
process.on('disconnect', () => process.exit(0));
