/**
 * Engines facing a hand-made peer: a raw simple-peer that speaks the tracker protocol over
 * socket.io-client and the peer protocol byte by byte. It plays a hostile peer (garbage on the
 * data channel) and an observer that records what a consume-only engine says and serves.
 */
import wrtc from '@roamhq/wrtc';
import SimplePeer from 'simple-peer';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLiveOrigin, type LiveOrigin } from '@streamrp2p/live-origin';
import {
  decodePeerMessage,
  encodePeerMessage,
  TRACKER_PROTOCOL_VERSION,
  type ClientToServerEvents,
  type JoinResult,
  type PeerMessage,
  type ServerToClientEvents,
  type SignalData,
  type SignalMessage,
  type TrackerAck,
  type WelcomeMessage,
} from '@streamrp2p/protocol';
import { createTracker, type Tracker } from '@streamrp2p/tracker';
import { P2PEngine, type EngineEvents, type EngineOptions } from '../src/index.js';
import { nextEvent, untilPeerSays } from './engine-events.js';

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await delay(50);
  }
}

/** A peer built by hand: tracker session plus raw simple-peer data channels. */
class RawPeer {
  peerId = '';
  swarm = '';
  /** Every signal relayed to us, by sender. */
  readonly signalsFrom: string[] = [];
  /** Every peer message received, by sender, decoded. */
  readonly received = new Map<string, PeerMessage[]>();
  /** Called with every peer message received. */
  onMessage: ((from: string, message: PeerMessage) => void) | undefined;
  private readonly channels = new Map<string, SimplePeer.Instance>();
  private readonly connected = new Set<string>();

  private constructor(readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>) {
    socket.on('signal', (message) => this.onSignal(message));
  }

  static async join(trackerUrl: string, streamId: string, rendition: string): Promise<RawPeer> {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(trackerUrl, {
      transports: ['websocket'],
      auth: { v: TRACKER_PROTOCOL_VERSION },
      reconnection: false,
    });
    const raw = new RawPeer(socket);
    const welcome = await new Promise<WelcomeMessage>((resolve, reject) => {
      socket.once('welcome', resolve);
      socket.once('connect_error', reject);
    });
    raw.peerId = welcome.peerId;
    const joined = await new Promise<TrackerAck<JoinResult>>((resolve) =>
      socket.emit('join', { streamId, rendition }, resolve),
    );
    if (!joined.ok) throw new Error(`join failed: ${joined.error.message}`);
    raw.swarm = joined.swarm;
    return raw;
  }

  /** Opens a data channel to `peerId` (we send the offer), replacing any earlier one. */
  dial(peerId: string): void {
    this.channels.get(peerId)?.destroy();
    this.connected.delete(peerId);
    this.open(peerId, true);
  }

  isConnected(peerId: string): boolean {
    return this.connected.has(peerId);
  }

  send(peerId: string, bytes: Uint8Array): void {
    this.channels.get(peerId)!.send(bytes);
  }

  /** Closes the data channel to `peerId`. */
  hangUp(peerId: string): void {
    this.channels.get(peerId)?.destroy();
  }

  messagesFrom(peerId: string): PeerMessage[] {
    return this.received.get(peerId) ?? [];
  }

  close(): void {
    for (const channel of this.channels.values()) channel.destroy();
    this.socket.disconnect();
  }

  private open(peerId: string, initiator: boolean): SimplePeer.Instance {
    const channel = new SimplePeer({
      initiator,
      trickle: true,
      config: { iceServers: [] },
      wrtc: wrtc as unknown as SimplePeer.Options['wrtc'],
    });
    this.channels.set(peerId, channel);
    channel.on('signal', (data: SignalData) =>
      this.socket.emit('signal', { swarm: this.swarm, to: peerId, data }, () => undefined),
    );
    channel.on('connect', () => this.connected.add(peerId));
    channel.on('close', () => {
      if (this.channels.get(peerId) === channel) this.connected.delete(peerId);
    });
    channel.on('error', () => undefined);
    channel.on('data', (data: Uint8Array) => {
      const list = this.received.get(peerId) ?? [];
      this.received.set(peerId, list);
      const message = decodePeerMessage(data);
      list.push(message);
      this.onMessage?.(peerId, message);
    });
    return channel;
  }

  private onSignal(message: SignalMessage): void {
    this.signalsFrom.push(message.from);
    let channel = this.channels.get(message.from);
    if (!channel) {
      if (message.data.type !== 'offer') return;
      channel = this.open(message.from, false);
    }
    channel.signal(message.data as SimplePeer.SignalData);
  }
}

describe('engines and a hand-made peer', () => {
  let origin: LiveOrigin;
  let tracker: Tracker;
  let trackerUrl: string;
  let engines: P2PEngine[] = [];
  let raws: RawPeer[] = [];
  const vod = (sequence: number) => ({
    rendition: '240p',
    sequence,
    url: `${origin.url}/vod/240p/seg${sequence}.ts`,
    deadlineMs: 30_000,
    live: false,
  });

  beforeAll(async () => {
    origin = await startLiveOrigin();
    tracker = createTracker({ maxPeersPerIpPerSwarm: 10 });
    trackerUrl = (await tracker.start()).url;
  });

  afterEach(async () => {
    raws.forEach((raw) => raw.close());
    raws = [];
    await Promise.all(engines.map((engine) => engine.destroy()));
    engines = [];
  });

  afterAll(async () => {
    await tracker?.close();
    await origin?.close();
  });

  async function engine(options: Omit<EngineOptions, 'trackerUrl'>): Promise<P2PEngine> {
    const created = new P2PEngine({ trackerUrl, wrtc, iceServers: [], ...options });
    engines.push(created);
    await nextEvent(created, 'ready');
    return created;
  }

  async function rawPeer(streamId: string): Promise<RawPeer> {
    const raw = await RawPeer.join(trackerUrl, streamId, '240p');
    raws.push(raw);
    return raw;
  }

  it('bans a peer that sends garbage and ignores its signals afterwards', async () => {
    const victim = await engine({ streamId: 'hostile', consumeOnly: false });
    await victim.loadSegment(vod(0)); // joins the swarm
    const hostile = await rawPeer('hostile');
    const connects: string[] = [];
    victim.on('peer-connect', ({ peerId }) => connects.push(peerId));
    const banned = nextEvent(victim, 'peer-banned');

    hostile.dial(victim.peerId!);
    await until(() => hostile.isConnected(victim.peerId!), 'the data channel to open');
    await until(() => connects.length === 1, 'the engine to see the connection');
    expect(victim.getStats().peers).toBe(1);
    hostile.send(victim.peerId!, Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]));

    const ban = await banned;
    expect(ban.peerId).toBe(hostile.peerId);
    expect(ban.reason).toMatch(/protocol violation/);
    const stats = victim.getStats();
    expect(stats.bannedPeers).toBe(1);
    expect(stats.peers).toBe(0);

    // A fresh offer from the banned peer gets no answer, and no connection: nothing to wait for,
    // so these are windows for a wrong answer to show (the last signals of the old connection
    // land first), not synchronisation.
    await delay(300);
    const signalsBefore = hostile.signalsFrom.filter((from) => from === victim.peerId).length;
    hostile.dial(victim.peerId!);
    await delay(3000);
    expect(hostile.signalsFrom.filter((from) => from === victim.peerId).length).toBe(signalsBefore);
    expect(hostile.isConnected(victim.peerId!)).toBe(false);
    expect(connects).toEqual([hostile.peerId]);
    expect(victim.getStats()).toMatchObject({ peers: 0, bannedPeers: 1 });

    // Playback goes on.
    const next = await victim.loadSegment(vod(1));
    expect(next.source).toBe('http');
  }, 40_000);

  it('a consume-only engine announces nothing and serves nothing', async () => {
    const consumer = await engine({ streamId: 'consume-only', consumeOnly: true });
    const sharer = await engine({ streamId: 'consume-only', consumeOnly: false });
    expect(consumer.getStats().consumeOnly).toBe(true);
    const meshed = Promise.all([
      nextEvent(consumer, 'peer-connect'),
      nextEvent(sharer, 'peer-connect'),
    ]);
    await consumer.loadSegment(vod(0));
    await sharer.loadSegment(vod(1));
    await meshed;

    // An observer connected to both: the sharer is the control that shows what it would see.
    const observer = await rawPeer('consume-only');
    observer.dial(consumer.peerId!);
    observer.dial(sharer.peerId!);
    await until(
      () => observer.isConnected(consumer.peerId!) && observer.isConnected(sharer.peerId!),
      'the observer to connect to both engines',
    );
    const uploads: unknown[] = [];
    consumer.on('uploaded', (event) => uploads.push(event));

    // Both fetch a new segment over HTTP; only the sharer may tell anyone.
    await consumer.loadSegment(vod(2));
    await sharer.loadSegment(vod(3));
    // The consumer holds 0 and 2; ask it for 0 directly.
    observer.send(
      consumer.peerId!,
      encodePeerMessage({ type: 'request', requestId: 7, sequence: 0, offset: 0 }),
    );
    await until(
      () => observer.messagesFrom(consumer.peerId!).some((m) => m.type === 'absent'),
      "the consumer's answer",
    );
    // The sharer wants segment 0, which only the consumer holds: it comes over HTTP.
    origin.resetStats();
    const result = await sharer.loadSegment(vod(0));
    expect(result.source).toBe('http');
    expect(result.p2pBytes).toBe(0);
    expect(origin.stats().segmentBytes).toBe(result.bytes.length);

    const fromConsumer = observer.messagesFrom(consumer.peerId!);
    expect(fromConsumer).toEqual([
      { type: 'have', sequences: [], fetching: [] },
      { type: 'absent', requestId: 7, sequence: 0 },
    ]);
    expect(uploads).toEqual([]);
    expect(consumer.getStats().uploadedBytes).toBe(0);
  });

  // A viewer waiting for a neighbour that fetches a segment says so to its other neighbours,
  // so they wait too instead of fetching it over HTTP, and takes it back when it stops waiting.
  it('passes on a neighbour\'s "fetching" while it waits for it, and withdraws it', async () => {
    const waiter = await engine({ streamId: 'claims', consumeOnly: false });
    await waiter.loadSegment(vod(0)); // joins the swarm
    const fetcher = await rawPeer('claims');
    fetcher.dial(waiter.peerId!);
    await until(() => fetcher.isConnected(waiter.peerId!), 'the data channel to open');
    await until(() => waiter.getStats().peers === 1, 'the engine to see the connection');
    const tell = (sequence: number, state: 'fetching' | 'dropped') =>
      fetcher.send(waiter.peerId!, encodePeerMessage({ type: 'update', sequence, state }));
    const updates = (sequence: number) =>
      fetcher
        .messagesFrom(waiter.peerId!)
        .flatMap((m) => (m.type === 'update' && m.sequence === sequence ? [m.state] : []));
    const live = (sequence: number, signal?: AbortSignal) =>
      waiter.loadSegment({ ...vod(sequence), live: true, deadlineMs: 20_000, signal });
    origin.resetStats();

    // Waiting for the fetcher: the claim goes out; aborted, it is withdrawn.
    tell(5, 'fetching');
    await untilPeerSays(waiter, '240p', 5, 'fetching');
    const controller = new AbortController();
    const aborted = live(5, controller.signal).catch((error: unknown) => error);
    await until(() => updates(5).length === 1, 'the waiter to announce its claim');
    expect(updates(5)).toEqual(['fetching']);
    controller.abort();
    expect(await aborted).toMatchObject({ code: 'ABORTED' });
    await until(() => updates(5).length === 2, 'the waiter to withdraw its claim');
    expect(updates(5)).toEqual(['fetching', 'dropped']);
    expect(origin.stats().segmentBytes).toBe(0);

    // The fetcher gives up: the waiter fetches the segment itself and then holds it.
    tell(6, 'fetching');
    await untilPeerSays(waiter, '240p', 6, 'fetching');
    const loading = live(6);
    await until(() => updates(6).length === 1, 'the waiter to announce its claim');
    tell(6, 'dropped');
    const result = await loading;
    expect(result.source).toBe('http');
    expect(result.httpReason).toMatch(/^(no-peers|stagger-over)$/);
    await until(() => updates(6).at(-1) === 'held', 'the waiter to announce the segment');
    expect(updates(6)[0]).toBe('fetching');
    expect(origin.stats().segmentBytes).toBe(result.bytes.length);
  }, 40_000);

  // A download resumed on a second peer whose `data` header gives another length than the
  // first peer's must fail cleanly as a protocol error, not escape from the data listener.
  it('a second holder that announces another length for a resumed segment is refused cleanly', async () => {
    // Record uncaught exceptions here instead of letting them fail the whole run.
    const uncaught: unknown[] = [];
    const saved = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    try {
      await resumeFromALyingPeer(uncaught);
    } finally {
      process.off('uncaughtException', record);
      saved.forEach((listener) => process.on('uncaughtException', listener));
    }
  }, 40_000);

  async function resumeFromALyingPeer(uncaught: unknown[]): Promise<void> {
    const victim = await engine({
      streamId: 'mismatch',
      consumeOnly: false,
      peerStallTimeoutMs: 500,
      peerResponseTimeoutMs: 1500,
    });
    await victim.loadSegment(vod(0));
    const url = `${origin.url}/vod/240p/seg5.ts`;
    const truth = new Uint8Array(await (await fetch(url)).arrayBuffer());
    const errors: EngineEvents['error'][] = [];
    victim.on('error', (error) => errors.push(error));
    const banned: string[] = [];
    victim.on('peer-banned', ({ peerId }) => banned.push(peerId));
    const requests: Array<{ peer: string; offset: number }> = [];
    const raws = [await rawPeer('mismatch'), await rawPeer('mismatch')];
    for (const raw of raws) {
      raw.onMessage = (from, message) => {
        if (message.type !== 'request') return;
        requests.push({ peer: raw.peerId, offset: message.offset });
        const { requestId } = message;
        if (requests.length === 1) {
          // The first one asked sends the true length and 1000 true bytes, then hangs up.
          raw.send(
            from,
            encodePeerMessage({
              type: 'data',
              requestId,
              sequence: 5,
              byteLength: truth.length,
              offset: 0,
            }),
          );
          raw.send(
            from,
            encodePeerMessage({ type: 'chunk', requestId, bytes: truth.subarray(0, 1000) }),
          );
          setTimeout(() => raw.hangUp(from), 100);
        } else {
          // The next one, asked to resume, claims the segment is twice as long.
          raw.send(
            from,
            encodePeerMessage({
              type: 'data',
              requestId,
              sequence: 5,
              byteLength: truth.length * 2,
              offset: message.offset,
            }),
          );
        }
      };
      raw.dial(victim.peerId!);
    }
    await until(
      () => raws.every((raw) => raw.isConnected(victim.peerId!)) && victim.getStats().peers === 2,
      'both raw peers to connect',
    );
    const have = encodePeerMessage({ type: 'have', sequences: [5], fetching: [] });
    raws.forEach((raw) => raw.send(victim.peerId!, have));
    await untilPeerSays(victim, '240p', 5, 'held');

    const result = await victim.loadSegment(vod(5));

    expect(requests.map((r) => r.offset)).toEqual([0, 1000]);
    expect(Buffer.compare(Buffer.from(result.bytes), Buffer.from(truth))).toBe(0);
    expect(result.p2pBytes).toBe(1000);
    expect(uncaught).toEqual([]);
    // The liar is refused as a protocol error (or banned), not left to time out.
    const codes = errors.map((e) => e.code);
    expect(codes).not.toContain('PEER_TIMEOUT');
    expect(codes.includes('PEER_PROTOCOL') || banned.includes(requests[1]!.peer)).toBe(true);
  }
});
