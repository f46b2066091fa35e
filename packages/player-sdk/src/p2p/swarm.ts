import type { PeerDescriptor, SignalMessage } from '@streamrp2p/protocol';
import { Emitter } from '../emitter.js';
import type { EngineConfig } from './config.js';
import { PeerConnection, type UploadSource } from './peer-connection.js';
import type { TrackerClient } from './tracker-client.js';
import { createWebRtcTransport } from './webrtc-transport.js';

/** Time a WebRTC connection has to open before it is dropped. */
const CONNECT_TIMEOUT_MS = 15_000;
/** Signal data a full peer answers an offer with: give up on this connection now. */
const BUSY = 'streamrp2p-busy';
/** How often a swarm with fewer than `maxPeers` asks the tracker for more. */
const REFRESH_INTERVAL_MS = 10_000;

export interface SwarmEvents {
  [event: string]: unknown;
  /** A connected peer's state changed (for `sequence`, or everything when undefined). */
  'peer-state': { peerId: string; sequence: number | undefined };
  'peer-connect': { peerId: string };
  /** The tracker answered our join (with the peers we now connect to, if any). */
  joined: undefined;
  'peer-close': { peerId: string; reason: string };
  'peer-violation': { peerId: string; reason: string };
  uploaded: { peerId: string; sequence: number; bytes: number };
}

export interface SwarmContext {
  config: EngineConfig;
  tracker: TrackerClient;
  source: UploadSource;
  /** Our state, sent to every new connection. */
  localState(): { held: number[]; fetching: number[] };
  isBanned(peerId: string): boolean;
}

/**
 * One rendition's swarm: joins it at the tracker, keeps up to `maxPeers` WebRTC connections
 * to its members, and answers questions about who holds what.
 */
export class Swarm extends Emitter<SwarmEvents> {
  private readonly peers = new Map<string, PeerConnection>();
  private refreshTimer: ReturnType<typeof setInterval> | undefined;
  private joined = false;
  private closed = false;
  /** Last time the swarm was used; unused swarms are left after a while. */
  lastUsed = Date.now();
  /** When the swarm was made (`performance.now()`): its neighbours settle after it. */
  readonly createdAt = performance.now();

  constructor(
    readonly key: string,
    readonly streamId: string,
    readonly rendition: string,
    private readonly context: SwarmContext,
  ) {
    super();
  }

  /** Joins at the tracker and connects to the peers it returns. Safe to call again on reconnect. */
  async join(): Promise<void> {
    if (this.closed) return;
    const result = await this.context.tracker.join({
      streamId: this.streamId,
      rendition: this.rendition,
    });
    this.joined = true;
    this.connectTo(result.peers);
    this.emit('joined', undefined);
    this.refreshTimer ??= setInterval(() => void this.refresh(), REFRESH_INTERVAL_MS);
  }

  /** Connected peers. */
  connected(): PeerConnection[] {
    return [...this.peers.values()].filter((peer) => peer.connected);
  }

  /**
   * Whether neighbours may still turn up holding segments: the tracker has not answered our
   * join yet, or a connection is still opening, or a connected peer has not said what it holds.
   */
  unsettled(): boolean {
    if (!this.joined) return true;
    for (const peer of this.peers.values()) if (!peer.stateKnown) return true;
    return false;
  }

  connectedIds(): string[] {
    return this.connected().map((peer) => peer.peerId);
  }

  /** Sends a state change of one of our segments to every connected peer. */
  announce(sequence: number, state: 'held' | 'fetching' | 'dropped'): void {
    for (const peer of this.connected()) peer.sendUpdate(sequence, state);
  }

  /** Sends our whole state again to every connected peer (after the upload policy changed). */
  resendState(): void {
    const state = this.context.localState();
    for (const peer of this.connected()) peer.sendHave(state.held, state.fetching);
  }

  /** Routes a relayed signal to its connection, accepting new incoming connections. */
  onSignal(message: SignalMessage): void {
    if (this.closed || this.context.isBanned(message.from)) return;
    const existing = this.peers.get(message.from);
    const isOffer = message.data.type === 'offer';
    if (existing && isOffer && existing.initiator && !existing.connected) {
      // Both sides dialled at once: the smaller peer id keeps its own offer.
      const self = this.context.tracker.peerId ?? '';
      if (self < message.from) return;
      existing.close('glare: yielding to the remote offer');
      this.peers.delete(message.from);
    } else if (existing) {
      if (message.data.type === BUSY) existing.close('the peer has no room for us');
      else existing.signal(message.data);
      return;
    }
    if (message.data.type === BUSY) {
      return; // a `busy` for a connection we no longer try
    }
    if (!isOffer) return;
    if (this.peers.size >= this.context.config.maxPeers + 2) {
      // Say so at once, so the caller frees its slot instead of waiting out CONNECT_TIMEOUT_MS.
      this.context.tracker.signal(this.key, message.from, { type: BUSY });
      return;
    }
    this.createPeer(message.from, false).signal(message.data);
  }

  /** A peer left the tracker swarm. */
  onPeerLeft(peerId: string): void {
    const peer = this.peers.get(peerId);
    if (peer && !peer.connected) peer.close('left the swarm');
  }

  /** Drops a peer (for example a banned one). */
  drop(peerId: string, reason: string): void {
    this.peers.get(peerId)?.close(reason);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.refreshTimer);
    for (const peer of [...this.peers.values()]) peer.close('left the swarm');
    this.peers.clear();
    if (this.joined) await this.context.tracker.leave(this.key).catch(() => undefined);
    this.removeAllListeners();
  }

  private async refresh(): Promise<void> {
    if (
      this.closed ||
      !this.context.tracker.ready ||
      this.peers.size >= this.context.config.maxPeers
    )
      return;
    try {
      this.connectTo(await this.context.tracker.peers(this.key));
    } catch {
      // The tracker is away; the socket reconnects and `join` runs again.
    }
  }

  private connectTo(candidates: PeerDescriptor[]): void {
    for (const { peerId } of candidates) {
      if (this.peers.size >= this.context.config.maxPeers) return;
      if (this.peers.has(peerId) || this.context.isBanned(peerId)) continue;
      if (peerId === this.context.tracker.peerId) continue;
      this.createPeer(peerId, true);
    }
  }

  private createPeer(peerId: string, initiator: boolean): PeerConnection {
    const { config, tracker, source } = this.context;
    const peer = new PeerConnection({
      peerId,
      swarm: this.key,
      initiator,
      wrtc: config.wrtc,
      iceServers: config.iceServers,
      createTransport: createWebRtcTransport,
      source,
      responseTimeoutMs: config.peerResponseTimeoutMs,
      stallTimeoutMs: config.peerStallTimeoutMs,
    });
    this.peers.set(peerId, peer);
    const connectTimer = setTimeout(() => peer.close('connection timed out'), CONNECT_TIMEOUT_MS);
    peer.on('signal', (data) => tracker.signal(this.key, peerId, data));
    peer.on('connect', () => {
      clearTimeout(connectTimer);
      const state = this.context.localState();
      peer.sendHave(state.held, state.fetching);
      this.emit('peer-connect', { peerId });
    });
    peer.on('state', ({ sequence }) => this.emit('peer-state', { peerId, sequence }));
    peer.on('uploaded', ({ sequence, bytes }) =>
      this.emit('uploaded', { peerId, sequence, bytes }),
    );
    peer.on('violation', ({ reason }) => this.emit('peer-violation', { peerId, reason }));
    peer.on('close', ({ reason }) => {
      clearTimeout(connectTimer);
      if (this.peers.get(peerId) === peer) this.peers.delete(peerId);
      this.emit('peer-close', { peerId, reason });
    });
    return peer;
  }
}
