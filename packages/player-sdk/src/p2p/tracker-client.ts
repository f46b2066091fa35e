import { io, type Socket } from 'socket.io-client';
import {
  TRACKER_PROTOCOL_VERSION,
  type ClientToServerEvents,
  type JoinResult,
  type PeerDescriptor,
  type ServerToClientEvents,
  type SignalData,
  type SignalMessage,
  type SwarmRef,
  type TicketResult,
  type TrackerAck,
} from '@streamrp2p/protocol';
import { Emitter } from '../emitter.js';
import { SdkError, SdkErrorCode } from '../errors.js';

/** Time the tracker has to answer an event. */
const ACK_TIMEOUT_MS = 10_000;

export interface TrackerClientEvents {
  [event: string]: unknown;
  /** (Re)connected and welcomed: swarms must be joined again. */
  ready: { peerId: string };
  disconnect: { reason: string };
  signal: SignalMessage;
  /** A meeting ticket for us and `peerId` in `swarm` (from a signal, its ack or a renewal). */
  ticket: { swarm: string; peerId: string; ticket: string };
  'peer-left': { swarm: string; peerId: string };
  error: SdkError;
}

/** The SDK's socket.io connection to the tracker. */
export class TrackerClient extends Emitter<TrackerClientEvents> {
  private readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  private assignedPeerId: string | undefined;
  private ticketRenewal: number | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  /**
   * @param auth called before every (re)connection, so a short-lived token is always fresh;
   *   when it fails, the tracker refuses the connection and socket.io tries again later.
   * @param autoConnect connect at once; otherwise on {@link connect}.
   */
  constructor(
    url: string,
    auth: () => Promise<{ token?: string; peerId?: string }>,
    autoConnect = true,
  ) {
    super();
    this.socket = io(url, {
      autoConnect,
      transports: ['websocket'],
      auth: (callback) => {
        auth().then(
          (fields) => callback({ v: TRACKER_PROTOCOL_VERSION, ...fields }),
          (error: unknown) => {
            this.emit(
              'error',
              new SdkError(
                SdkErrorCode.TrackerUnavailable,
                `no tracker credentials: ${String(error)}`,
              ),
            );
            callback({ v: TRACKER_PROTOCOL_VERSION });
          },
        );
      },
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
    });
    this.socket.on('welcome', (message) => {
      this.assignedPeerId = message.peerId;
      const renewMs = message.tickets?.renewMs;
      this.ticketRenewal =
        typeof renewMs === 'number' && Number.isFinite(renewMs) && renewMs >= 1000
          ? renewMs
          : undefined;
      this.emit('ready', { peerId: message.peerId });
    });
    this.socket.on('signal', (message) => {
      if (typeof message.ticket === 'string') {
        this.emit('ticket', { swarm: message.swarm, peerId: message.from, ticket: message.ticket });
      }
      this.emit('signal', message);
    });
    this.socket.on('peer-left', (message) => this.emit('peer-left', message));
    this.socket.on('disconnect', (reason) => {
      this.emit('disconnect', { reason });
      // socket.io retries on its own except after a server-side disconnect (a tracker that
      // restarts or sheds load): come back after a while, like any other lost connection.
      if (reason === 'io server disconnect' && !this.closed) {
        this.reconnectTimer = setTimeout(() => this.socket.connect(), 1000 + Math.random() * 2000);
      }
    });
    this.socket.on(
      'connect_error',
      (error: Error & { data?: { code?: string; message?: string } }) => {
        const rejected = error.data?.code !== undefined;
        this.emit(
          'error',
          new SdkError(
            rejected ? SdkErrorCode.TrackerRejected : SdkErrorCode.TrackerUnavailable,
            `tracker connection failed: ${error.data?.message ?? error.message}`,
            { trackerCode: error.data?.code },
          ),
        );
      },
    );
  }

  /** Our peer id, once the tracker welcomed us. */
  get peerId(): string | undefined {
    return this.assignedPeerId;
  }

  /** How often to renew a connected pair's meeting ticket; undefined when the tracker issues none. */
  get ticketRenewMs(): number | undefined {
    return this.ticketRenewal;
  }

  get ready(): boolean {
    return this.socket.connected && this.assignedPeerId !== undefined;
  }

  async join(ref: SwarmRef): Promise<JoinResult> {
    return this.request((ack) => this.socket.emit('join', ref, ack));
  }

  async leave(swarm: string): Promise<void> {
    if (!this.socket.connected) return;
    await this.request((ack) => this.socket.emit('leave', { swarm }, ack));
  }

  async peers(swarm: string): Promise<PeerDescriptor[]> {
    const result = await this.request<{ peers: PeerDescriptor[] }>((ack) =>
      this.socket.emit('peers', { swarm }, ack),
    );
    return result.peers;
  }

  /**
   * Relays signalling data; failures only mean that peer will not connect. The ack carries the
   * pair's meeting ticket when the tracker issues them (emitted as `ticket`).
   */
  signal(swarm: string, to: string, data: SignalData): void {
    this.socket.emit('signal', { swarm, to, data }, (res) => {
      if (res.ok && typeof res.ticket === 'string')
        this.emit('ticket', { swarm, peerId: to, ticket: res.ticket });
    });
  }

  /** Renews the meeting ticket of a pair still in `swarm`, presenting the newest one held. */
  async renewTicket(swarm: string, peerId: string, ticket: string): Promise<void> {
    const result = await this.request<TicketResult>((ack) =>
      this.socket.emit('ticket', { swarm, peerId, ticket }, ack),
    );
    this.emit('ticket', { swarm, peerId, ticket: result.ticket });
  }

  /** Connects, when the client was created without `autoConnect`. Idempotent. */
  connect(): void {
    if (!this.closed && !this.socket.connected && !this.socket.active) this.socket.connect();
  }

  /** Reconnects at once (new credentials: a renewed session brings a new peer id). */
  reconnect(): void {
    if (this.closed) return;
    this.assignedPeerId = undefined;
    this.socket.disconnect();
    this.socket.connect();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.socket.removeAllListeners();
    this.socket.disconnect();
    this.removeAllListeners();
  }

  private request<T extends object>(send: (ack: (res: TrackerAck<T>) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new SdkError(SdkErrorCode.TrackerUnavailable, 'tracker did not answer in time')),
        ACK_TIMEOUT_MS,
      );
      send((res) => {
        clearTimeout(timer);
        if (res.ok) resolve(res);
        else
          reject(
            new SdkError(SdkErrorCode.TrackerRejected, res.error.message, {
              trackerCode: res.error.code,
            }),
          );
      });
    });
  }
}
