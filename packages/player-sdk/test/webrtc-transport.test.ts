/**
 * The SDK's own WebRTC transport against simple-peer 9, the transport of older SDKs and of
 * other clients in the swarm: signalling both ways, the data channel, the peer protocol on
 * top (a download across the two), close and failure. In Node both run on `@roamhq/wrtc`.
 */
import { once } from 'node:events';
import wrtc from '@roamhq/wrtc';
import SimplePeer from 'simple-peer';
import { afterEach, describe, expect, it } from 'vitest';
import { PEER_CHUNK_SIZE, type SignalData } from '@streamrp2p/protocol';
import { SdkError } from '../src/errors.js';
import { PeerConnection, type UploadSource } from '../src/p2p/peer-connection.js';
import type {
  CreatePeerTransport,
  PeerTransport,
  PeerTransportHandlers,
} from '../src/p2p/peer-transport.js';
import { sleep } from '../src/p2p/token-bucket.js';
import { createWebRtcTransport } from '../src/p2p/webrtc-transport.js';

type SimplePeerWrtc = SimplePeer.Options['wrtc'];

/** Records what a transport reports; `connected`, `closed` and `message()` wait for it. */
class Probe implements PeerTransportHandlers {
  readonly signals: SignalData[] = [];
  /** Where our signals go (the other side's `signal`). */
  relay: (data: SignalData) => void = () => undefined;
  readonly connected: Promise<void>;
  readonly closed: Promise<string>;
  private readonly inbox: Uint8Array[] = [];
  private waiting: ((bytes: Uint8Array) => void) | undefined;
  private resolveConnected!: () => void;
  private resolveClosed!: (reason: string) => void;

  constructor() {
    this.connected = new Promise((resolve) => (this.resolveConnected = resolve));
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  onSignal(data: SignalData): void {
    this.signals.push(data);
    this.relay(data);
  }

  onConnect(): void {
    this.resolveConnected();
  }

  onData(bytes: Uint8Array): void {
    if (this.waiting) this.waiting(bytes);
    else this.inbox.push(bytes);
    this.waiting = undefined;
  }

  onClose(reason: string): void {
    this.resolveClosed(reason);
  }

  message(): Promise<Uint8Array> {
    const next = this.inbox.shift();
    return next ? Promise.resolve(next) : new Promise((resolve) => (this.waiting = resolve));
  }
}

/** What an older SDK ran: simple-peer behind the transport interface. */
const createSimplePeerTransport: CreatePeerTransport = (options, handlers) => {
  const peer = new SimplePeer({
    initiator: options.initiator,
    trickle: true,
    config: { iceServers: options.iceServers },
    wrtc: options.wrtc as SimplePeerWrtc,
  });
  let closed = false;
  const end = (reason: string) => {
    if (closed) return;
    closed = true;
    handlers.onClose(reason);
  };
  peer.on('signal', (data: SignalData) => handlers.onSignal(data));
  peer.on('connect', () => handlers.onConnect());
  peer.on('data', (data: Uint8Array) => handlers.onData(data));
  peer.on('close', () => end('closed by remote'));
  peer.on('error', (error: Error) => end(`webrtc error: ${error.message}`));
  return {
    signal: (data) => peer.signal(data as SimplePeer.SignalData),
    send: (bytes) => peer.send(bytes),
    get bufferedAmount() {
      return peer.bufferSize;
    },
    async drained(threshold) {
      while (!closed && peer.bufferSize > threshold) await sleep(5);
    },
    close() {
      closed = true;
      peer.destroy();
    },
  };
};

const transports: PeerTransport[] = [];
const peers: SimplePeer.Instance[] = [];
const connections: PeerConnection[] = [];

afterEach(() => {
  transports.splice(0).forEach((transport) => transport.close());
  peers.splice(0).forEach((peer) => peer.destroy());
  connections.splice(0).forEach((connection) => connection.close());
});

function ours(initiator: boolean): { transport: PeerTransport; probe: Probe } {
  const probe = new Probe();
  const transport = createWebRtcTransport({ initiator, iceServers: [], wrtc }, probe);
  transports.push(transport);
  return { transport, probe };
}

function simplePeer(initiator: boolean): SimplePeer.Instance {
  const peer = new SimplePeer({
    initiator,
    trickle: true,
    config: { iceServers: [] },
    wrtc: wrtc as unknown as SimplePeerWrtc,
  });
  peer.on('error', () => undefined); // the close tests end connections on purpose
  peers.push(peer);
  return peer;
}

/** Our transport and a simple-peer, signalling to each other, once both are connected. */
async function connectedPair(weOffer: boolean) {
  const { transport, probe } = ours(weOffer);
  const peer = simplePeer(!weOffer);
  const theirSignals: SignalData[] = [];
  peer.on('signal', (data: SignalData) => {
    theirSignals.push(data);
    transport.signal(data);
  });
  probe.relay = (data) => peer.signal(data as SimplePeer.SignalData);
  await Promise.all([probe.connected, once(peer, 'connect')]);
  return { transport, probe, peer, theirSignals };
}

function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

/** Byte equality (vitest's deep equality takes a minute on megabytes). */
function same(actual: Uint8Array, expected: Uint8Array): boolean {
  return Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(expected);
}

describe('WebRtcTransport against simple-peer 9', () => {
  it('offers to simple-peer in its signal format and exchanges full-size messages', async () => {
    const { transport, probe, peer, theirSignals } = await connectedPair(true);

    const offer = probe.signals.find((signal) => signal.type === 'offer');
    expect(Object.keys(offer!).sort()).toEqual(['sdp', 'type']);
    const candidates = probe.signals.filter((signal) => signal.type === 'candidate');
    expect(candidates.length).toBeGreaterThan(0);
    for (const candidate of candidates) {
      expect(Object.keys(candidate.candidate as object).sort()).toEqual([
        'candidate',
        'sdpMLineIndex',
        'sdpMid',
      ]);
    }
    expect(theirSignals.map((signal) => signal.type)).toContain('answer');

    const big = pattern(PEER_CHUNK_SIZE + 16, 1);
    transport.send(big);
    const [received] = (await once(peer, 'data')) as [Uint8Array];
    expect(same(received, big)).toBe(true);
    const back = pattern(1000, 2);
    peer.send(back);
    expect(await probe.message()).toEqual(back);
  });

  it('answers an offer from simple-peer', async () => {
    const { transport, probe, peer, theirSignals } = await connectedPair(false);
    expect(theirSignals[0]?.type).toBe('offer');
    const answer = probe.signals.find((signal) => signal.type === 'answer');
    expect(Object.keys(answer!).sort()).toEqual(['sdp', 'type']);

    peer.send(pattern(3000, 3));
    expect(await probe.message()).toEqual(pattern(3000, 3));
    transport.send(pattern(10, 4));
    const [received] = (await once(peer, 'data')) as [Uint8Array];
    expect(same(received, pattern(10, 4))).toBe(true);
  });

  it('reports the remote closing, and closes the remote when closed', async () => {
    const first = await connectedPair(true);
    first.peer.destroy();
    expect(await first.probe.closed).toMatch(/closed|ICE/);

    const second = await connectedPair(false);
    const remoteClosed = once(second.peer, 'close');
    second.transport.close();
    await remoteClosed;
    expect(() => second.transport.send(pattern(4, 5))).toThrow(/not open/);
  });

  it('fails on signal data that is neither a description nor a candidate', async () => {
    const bogus = ours(false);
    bogus.transport.signal({ type: 'bogus' });
    expect(await bogus.probe.closed).toBe('invalid signal data (type "bogus")');
    const candidate = ours(false);
    candidate.transport.signal({ type: 'candidate', candidate: { sdpMid: '0' } });
    expect(await candidate.probe.closed).toBe('invalid signal data (type "candidate")');
  });

  it("ignores simple-peer's media renegotiation requests", async () => {
    const { transport, probe } = ours(true);
    transport.signal({ type: 'renegotiate', renegotiate: true });
    transport.signal({ type: 'transceiverRequest', transceiverRequest: { kind: 'video' } });
    const peer = simplePeer(false);
    peer.on('signal', (data: SignalData) => transport.signal(data));
    probe.relay = (data) => peer.signal(data as SimplePeer.SignalData);
    await Promise.all([probe.connected, once(peer, 'connect')]);
  });

  it('fails on an offer whose SDP WebRTC refuses', async () => {
    const { transport, probe } = ours(false);
    transport.signal({ type: 'offer', sdp: 'v=0\r\nnot an sdp\r\n' });
    expect(await probe.closed).toMatch(/^offer failed: /);
  });

  it('throws UNSUPPORTED where there is no WebRTC and no wrtc', () => {
    const create = () =>
      createWebRtcTransport({ initiator: true, iceServers: [], wrtc: undefined }, new Probe());
    expect(create).toThrow(SdkError);
    expect(create).toThrow(/no WebRTC/);
  });

  it('waits in drained() until the send buffer is below the threshold', async () => {
    const { transport, peer } = await connectedPair(true);
    let received = 0;
    peer.on('data', (data: Uint8Array) => (received += data.byteLength));
    const chunk = pattern(PEER_CHUNK_SIZE, 6);
    for (let i = 0; i < 64; i++) transport.send(chunk); // 4 MiB at once
    expect(transport.bufferedAmount).toBeGreaterThan(256 * 1024);
    await transport.drained(256 * 1024);
    expect(transport.bufferedAmount).toBeLessThanOrEqual(256 * 1024);
    expect(received).toBeGreaterThan(0);
    transport.close();
    await transport.drained(0); // resolves at once once closed
  });
});

describe('the peer protocol between a new and an old SDK', () => {
  const segment = pattern(3 * 1024 * 1024 + 123, 7); // above the 1 MiB send watermark

  function connection(
    peerId: string,
    initiator: boolean,
    createTransport: CreatePeerTransport,
    held: Map<number, Uint8Array>,
  ): PeerConnection {
    const source: UploadSource = {
      segment: (sequence) => held.get(sequence),
      uploadAllowed: () => true,
      limiter: undefined,
    };
    const created = new PeerConnection({
      peerId,
      swarm: 'interop',
      initiator,
      wrtc,
      iceServers: [],
      createTransport,
      source,
      responseTimeoutMs: 10_000,
      stallTimeoutMs: 10_000,
    });
    connections.push(created);
    return created;
  }

  async function download(from: PeerConnection, sequence: number): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    let length = 0;
    await from.download(sequence, 0, {
      onHeader: (byteLength) => (length = byteLength),
      onChunk: (bytes) => chunks.push(bytes.slice()),
    });
    const whole = new Uint8Array(length);
    let offset = 0;
    for (const chunk of chunks) {
      whole.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return whole;
  }

  it.each([
    ['the new SDK dials', createWebRtcTransport, createSimplePeerTransport],
    ['the old SDK dials', createSimplePeerTransport, createWebRtcTransport],
  ])('%s: each downloads a 3 MiB segment from the other', async (_, dialer, answerer) => {
    const a = connection('a', true, dialer, new Map([[1, segment]]));
    const b = connection('b', false, answerer, new Map([[2, segment.slice().reverse()]]));
    a.on('signal', (data) => b.signal(data));
    b.on('signal', (data) => a.signal(data));
    await Promise.all([
      new Promise((resolve) => a.on('connect', resolve)),
      new Promise((resolve) => b.on('connect', resolve)),
    ]);
    let uploadedByA = 0;
    a.on('uploaded', ({ bytes }) => (uploadedByA += bytes));

    const [fromA, fromB] = await Promise.all([download(b, 1), download(a, 2)]);
    expect(fromA.byteLength).toBe(segment.byteLength);
    expect(same(fromA, segment)).toBe(true);
    expect(same(fromB, segment.slice().reverse())).toBe(true);
    expect(uploadedByA).toBe(segment.byteLength);

    const closed = new Promise<{ reason: string }>((resolve) => b.on('close', resolve));
    a.close();
    expect((await closed).reason).toMatch(/closed|ICE|error/);
  });
});
