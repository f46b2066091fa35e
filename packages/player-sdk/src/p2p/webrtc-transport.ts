import type { SignalData } from '@streamrp2p/protocol';
import { SdkError, SdkErrorCode } from '../errors.js';
import type {
  CreatePeerTransport,
  PeerTransport,
  PeerTransportHandlers,
  PeerTransportOptions,
} from './peer-transport.js';
import { sleep } from './token-bucket.js';

/** How often `drained` reads `bufferedAmount` where channels have no `bufferedamountlow` (wrtc). */
const DRAIN_POLL_MS = 5;

/**
 * A data channel on the platform's `RTCPeerConnection` (or `wrtc`'s in Node), signalling as
 * simple-peer 9 does with `trickle: true`: the initiator opens the channel and sends the offer,
 * candidates travel as `{ type: 'candidate', candidate }`, and remote candidates that arrive
 * before the remote description wait for it. It replaces simple-peer in the bundle (decision 52):
 * simple-peer's browser build carries Node's Buffer and streams, about 29 KB gzipped.
 */
export class WebRtcTransport implements PeerTransport {
  private readonly pc: RTCPeerConnection;
  private channel: RTCDataChannel | undefined;
  /** Remote candidates received before the remote description; undefined once it is set. */
  private pending: RTCIceCandidateInit[] | undefined = [];
  private drainWaiters: Array<() => void> = [];
  private opened = false;
  private closed = false;

  constructor(
    options: PeerTransportOptions,
    private readonly handlers: PeerTransportHandlers,
  ) {
    const webrtc = (options.wrtc ?? globalThis) as { RTCPeerConnection?: typeof RTCPeerConnection };
    if (typeof webrtc.RTCPeerConnection !== 'function') {
      throw new SdkError(SdkErrorCode.Unsupported, 'no WebRTC: in Node, pass `wrtc`');
    }
    const pc = (this.pc = new webrtc.RTCPeerConnection({ iceServers: options.iceServers }));
    pc.onicecandidate = ({ candidate }) => {
      // null ends gathering; simple-peer sends nothing for it either.
      if (!candidate || this.closed) return;
      const { sdpMLineIndex, sdpMid } = candidate;
      handlers.onSignal({
        type: 'candidate',
        candidate: { candidate: candidate.candidate, sdpMLineIndex, sdpMid },
      });
    };
    pc.oniceconnectionstatechange = () => {
      const state = pc.iceConnectionState;
      if (state === 'failed' || state === 'closed') this.fail(`ICE connection ${state}`);
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed') this.fail('connection failed');
    };
    if (options.initiator) {
      this.attach(pc.createDataChannel('streamrp2p'));
      this.run('offer', async () => {
        await pc.setLocalDescription(await pc.createOffer());
        this.sendDescription();
      });
    } else {
      pc.ondatachannel = ({ channel }) => this.attach(channel);
    }
  }

  get bufferedAmount(): number {
    return this.channel?.bufferedAmount ?? 0;
  }

  signal(data: SignalData): void {
    if (this.closed) return;
    const { type, sdp } = data;
    if ((type === 'offer' || type === 'answer') && typeof sdp === 'string') {
      this.run(type, async () => {
        await this.pc.setRemoteDescription({ type, sdp });
        this.pending?.forEach((candidate) => this.addCandidate(candidate));
        this.pending = undefined;
        if (type === 'answer') return;
        await this.pc.setLocalDescription(await this.pc.createAnswer());
        this.sendDescription();
      });
      return;
    }
    const candidate = candidateOf(data.candidate);
    if (candidate) {
      if (this.pending) this.pending.push(candidate);
      else this.addCandidate(candidate);
    } else if (type !== 'renegotiate' && type !== 'transceiverRequest') {
      // Media renegotiation (simple-peer's other two messages) never concerns a data channel.
      this.fail(`invalid signal data (type ${JSON.stringify(type)})`);
    }
  }

  send(bytes: Uint8Array): void {
    if (!this.channel || this.channel.readyState !== 'open') throw new Error('channel not open');
    this.channel.send(bytes as Uint8Array<ArrayBuffer>); // ours, never over shared memory
  }

  async drained(threshold: number): Promise<void> {
    const channel = this.channel;
    if (!channel) return;
    // Browsers fire `bufferedamountlow`; wrtc's channel has neither the event nor the threshold.
    const evented = 'bufferedAmountLowThreshold' in channel;
    while (!this.closed && channel.bufferedAmount > threshold) {
      if (!evented) {
        await sleep(DRAIN_POLL_MS);
        continue;
      }
      channel.bufferedAmountLowThreshold = threshold;
      await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.wakeDrainers();
    this.release();
  }

  private release(): void {
    this.channel?.close();
    this.pc.close();
  }

  private attach(channel: RTCDataChannel): void {
    if (this.channel) return channel.close(); // one channel per connection
    this.channel = channel;
    channel.binaryType = 'arraybuffer';
    channel.onopen = () => this.open();
    channel.onmessage = ({ data }) => !this.closed && this.handlers.onData(toBytes(data));
    channel.onclose = () => this.fail('closed by remote');
    channel.onerror = (event) =>
      this.fail(`data channel error: ${(event as { error?: Error }).error?.message ?? 'unknown'}`);
    channel.onbufferedamountlow = () => this.wakeDrainers();
    // wrtc hands over an answerer's channel already open, and fires `open` after that too.
    if (channel.readyState === 'open') this.open();
  }

  private open(): void {
    if (this.opened || this.closed) return;
    this.opened = true;
    this.handlers.onConnect();
  }

  private addCandidate(candidate: RTCIceCandidateInit): void {
    // A candidate this side cannot use (an mDNS name it cannot resolve, say) is skipped: others
    // may still connect, and the swarm's connect timeout ends a connection none could.
    this.pc.addIceCandidate(candidate).catch(() => undefined);
  }

  private sendDescription(): void {
    const description = this.pc.localDescription;
    if (description && !this.closed) {
      this.handlers.onSignal({ type: description.type, sdp: description.sdp });
    }
  }

  private run(step: string, work: () => Promise<void>): void {
    work().catch((error: unknown) =>
      this.fail(`${step} failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  private wakeDrainers(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    waiters.forEach((wake) => wake());
  }

  private fail(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.wakeDrainers();
    // Out of the event handler that reported the failure first: closing a connection from
    // inside its own channel or ICE callback can crash wrtc's native code in Node (a test
    // worker of the engine suite died that way once in CI).
    setTimeout(() => this.release(), 0);
    this.handlers.onClose(reason);
  }
}

/** Creates a {@link WebRtcTransport}: the SDK's transport in browsers and in Node. */
export const createWebRtcTransport: CreatePeerTransport = (options, handlers) =>
  new WebRtcTransport(options, handlers);

/** A relayed candidate, checked: only its three known fields are passed on to WebRTC. */
function candidateOf(value: unknown): RTCIceCandidateInit | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { candidate, sdpMid, sdpMLineIndex } = value as Record<string, unknown>;
  if (typeof candidate !== 'string') return undefined;
  return {
    candidate,
    sdpMid: typeof sdpMid === 'string' ? sdpMid : null,
    sdpMLineIndex: typeof sdpMLineIndex === 'number' ? sdpMLineIndex : null,
  };
}

function toBytes(data: unknown): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  // Text is not our protocol: its bytes fail decoding, as any other garbage does.
  return new TextEncoder().encode(String(data));
}
