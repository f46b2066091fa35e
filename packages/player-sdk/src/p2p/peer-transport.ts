import type { SignalData } from '@streamrp2p/protocol';

/**
 * What a transport tells its owner. Each is called from the transport's own event handlers,
 * never from inside the call that created it; `onClose` is called at most once, and nothing
 * after it (nor after the owner's own `close()`).
 */
export interface PeerTransportHandlers {
  /** Signalling data (offer, answer, ICE candidate) to relay to the remote through the tracker. */
  onSignal(data: SignalData): void;
  /** The data channel is open: `send` works from now on. */
  onConnect(): void;
  /** One data-channel message from the remote. */
  onData(bytes: Uint8Array): void;
  /** The connection ended: closed by the remote, or failed (`reason` says which). */
  onClose(reason: string): void;
}

export interface PeerTransportOptions {
  /** Whether we open the data channel and send the offer. */
  initiator: boolean;
  iceServers: RTCIceServer[];
  /** A WebRTC implementation for Node (`@roamhq/wrtc`); undefined in browsers. */
  wrtc: unknown;
}

/**
 * One data channel to one peer, as `PeerConnection` uses it: framing and the peer protocol sit
 * above it. Signalling must stay simple-peer's (`{ type: 'offer' | 'answer', sdp }`,
 * `{ type: 'candidate', candidate }`, trickle ICE): viewers on older SDKs speak it.
 */
export interface PeerTransport {
  /** Feeds signalling data relayed from the remote. */
  signal(data: SignalData): void;
  /** Sends one message; throws when the channel is not open. */
  send(bytes: Uint8Array): void;
  /** Bytes queued on the data channel and not yet handed to the network. */
  readonly bufferedAmount: number;
  /** Resolves once at most `threshold` bytes are queued, or the transport closed. */
  drained(threshold: number): Promise<void>;
  /** Closes the channel and the connection. Idempotent; no handler is called afterwards. */
  close(): void;
}

/** Creates the transport of one peer connection (the browser's WebRTC, `wrtc` in Node...). */
export type CreatePeerTransport = (
  options: PeerTransportOptions,
  handlers: PeerTransportHandlers,
) => PeerTransport;
