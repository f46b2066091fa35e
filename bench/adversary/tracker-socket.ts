/**
 * An attacker's socket.io connection to the tracker, from a chosen source address, with a real
 * tracker token. It joins swarms, relays made-up signalling to its accomplices, and keeps every
 * meeting ticket the tracker hands out (found by shape in any event, whatever its name).
 */
import { io, type Socket } from 'socket.io-client';
import { TRACKER_PROTOCOL_VERSION, type TrackerAck } from '@streamrp2p/protocol';

const CONNECT_TIMEOUT_MS = 10_000;
const ACK_TIMEOUT_MS = 5_000;

/** The payload of a string shaped like a meeting ticket, or undefined. */
export function ticketPayload(value: unknown): { swarm: string; peers: string[] } | undefined {
  if (typeof value !== 'string' || value.length > 2048) return undefined;
  const [body, mac, extra] = value.split('.');
  if (body === undefined || mac === undefined || extra !== undefined) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
    const p = payload as { swarm?: unknown; peers?: unknown };
    if (typeof p.swarm === 'string' && Array.isArray(p.peers) && p.peers.length === 2) {
      return { swarm: p.swarm, peers: p.peers.map(String) };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function collectTickets(value: unknown, found: string[], depth = 0): void {
  if (depth > 4) return;
  if (typeof value === 'string') {
    if (ticketPayload(value)) found.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectTickets(item, found, depth + 1);
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) collectTickets(item, found, depth + 1);
  }
}

export class TrackerSocket {
  private readonly socket: Socket;
  /** Tickets received, keyed by the other peer id. */
  readonly tickets = new Map<string, string>();

  private constructor(
    socket: Socket,
    readonly peerId: string,
  ) {
    this.socket = socket;
    socket.onAny((_event: string, ...args: unknown[]) => {
      const found: string[] = [];
      collectTickets(args, found);
      for (const ticket of found) {
        const other = ticketPayload(ticket)!.peers.find((p) => p !== peerId);
        if (other !== undefined) this.tickets.set(other, ticket);
      }
    });
  }

  /**
   * Connects from `address` with `token`; resolves with the socket once welcomed, or with the
   * refusal's code (or `timeout`).
   */
  static connect(url: string, address: string, token: string): Promise<TrackerSocket | string> {
    return new Promise((resolve) => {
      const socket = io(url, {
        transports: ['websocket'],
        localAddress: address,
        auth: { v: TRACKER_PROTOCOL_VERSION, token },
        reconnection: false,
        forceNew: true,
        timeout: CONNECT_TIMEOUT_MS,
      } as Parameters<typeof io>[1]);
      const timer = setTimeout(() => {
        socket.close();
        resolve('timeout');
      }, CONNECT_TIMEOUT_MS);
      socket.once('welcome', (message: { peerId: string }) => {
        clearTimeout(timer);
        resolve(new TrackerSocket(socket, message.peerId));
      });
      socket.once('connect_error', (error: Error & { data?: { code?: string } }) => {
        clearTimeout(timer);
        socket.close();
        resolve(error.data?.code ?? error.message);
      });
      socket.once('disconnect', (reason: string) => {
        clearTimeout(timer);
        resolve(`disconnected: ${reason}`);
      });
    });
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Emits `event` and resolves with its ack (or a timeout / disconnect error ack). */
  request<T extends object = object>(event: string, payload: unknown): Promise<TrackerAck<T>> {
    if (!this.socket.connected) {
      return Promise.resolve({ ok: false, error: { code: 'DISCONNECTED', message: '' } } as never);
    }
    return this.socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck(event, payload)
      .catch(() => ({ ok: false, error: { code: 'TIMEOUT', message: 'no ack' } })) as Promise<
      TrackerAck<T>
    >;
  }

  join(streamId: string, rendition: string): Promise<TrackerAck> {
    return this.request('join', { streamId, rendition });
  }

  /** Relays a fake offer or answer to `to` in `swarm`, as if a WebRTC connection were opening. */
  signal(swarm: string, to: string, type: 'offer' | 'answer'): Promise<TrackerAck> {
    return this.request('signal', { swarm, to, data: { type, sdp: `v=0\r\ns=${type}\r\n` } });
  }

  close(): void {
    this.socket.close();
  }
}
