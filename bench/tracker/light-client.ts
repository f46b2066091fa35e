/**
 * A minimal tracker client for the load generator. It speaks the engine.io v4
 * / socket.io v5 wire protocol itself over one bare `ws` WebSocket (the
 * tracker accepts the websocket transport only), so one process can drive tens
 * of thousands of peers where socket.io-client (Manager, engine.io socket,
 * transport, emitters and timers per connection) could not.
 *
 * Scope: the main namespace, text packets, events with and without ack ids,
 * the handshake `auth`, answering engine.io pings. No reconnection, no binary
 * attachments, no polling, nothing buffered before the namespace is joined.
 *
 * @example
 * const client = new LightTrackerClient({ url, auth: { v: 1 }, timeoutMs: 20_000 }, {
 *   onConnect: () => client.emitWithAck('join', { streamId: 's', rendition: 'hd' }).then(console.log),
 *   onEvent: (name, args) => console.log(name, args),
 * });
 */
import WebSocket from 'ws';

/** engine.io v4 packet types (first character of every frame). */
const EIO_OPEN = '0';
const EIO_CLOSE = '1';
const EIO_PING = '2';
const EIO_PONG = '3';
const EIO_MESSAGE = '4';

/** socket.io v5 packet types (second character of an engine.io message). */
const SIO_CONNECT = '0';
const SIO_DISCONNECT = '1';
const SIO_EVENT = '2';
const SIO_ACK = '3';
const SIO_CONNECT_ERROR = '4';

/** How to reach the tracker. */
export interface LightClientOptions {
  /** Tracker base URL, `http://host:port` (as the tracker prints it). */
  url: string;
  /** The socket.io handshake `auth` (the tracker wants `{ v, token?, peerId? }`). */
  auth: Record<string, unknown>;
  /** socket.io path. @default '/socket.io' */
  path?: string;
  /** Local address to connect from, e.g. `127.0.0.2` to use another source port range. @default undefined (the OS picks) */
  localAddress?: string;
  /** Connecting (to the namespace) and each ack must complete within this, in ms. */
  timeoutMs: number;
}

/** What the client reports; every callback is optional. */
export interface LightClientHandlers {
  /** The WebSocket upgrade completed (HTTP 101); the socket.io handshake follows. */
  onOpen?(): void;
  /** The namespace accepted the connection (socket.io CONNECT). */
  onConnect?(): void;
  /** The tracker refused the connection (socket.io CONNECT_ERROR); `data` is `{ message, data? }`. */
  onConnectError?(data: unknown): void;
  /** An event from the tracker, e.g. `welcome`, `signal`, `peer-left`. */
  onEvent?(name: string, args: unknown[]): void;
  /** The connection is gone; `reason` follows socket.io-client's names where one applies. */
  onClose?(reason: string): void;
}

/** Thrown (as a rejection) when an ack does not arrive in time or the connection closes first. */
export class AckError extends Error {
  constructor(readonly code: 'timeout' | 'closed') {
    super(code === 'timeout' ? 'ack timed out' : 'connection closed before the ack');
  }
}

interface PendingAck {
  resolve(value: unknown): void;
  reject(err: AckError): void;
  timer: NodeJS.Timeout;
}

/** The engine.io websocket endpoint of a tracker base URL. */
export function engineUrl(url: string, path = '/socket.io'): string {
  const base = new URL(url);
  base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
  base.pathname = `${path.replace(/\/$/, '')}/`;
  base.search = '?EIO=4&transport=websocket';
  return base.toString();
}

/**
 * One tracker connection. Fields are kept few on purpose: a load process
 * holds ten thousand of these.
 */
export class LightTrackerClient {
  readonly #ws: WebSocket;
  readonly #handlers: LightClientHandlers;
  readonly #timeoutMs: number;
  readonly #auth: Record<string, unknown>;
  #acks: Map<number, PendingAck> | undefined;
  #nextAckId = 0;
  #connectTimer: NodeJS.Timeout | undefined;
  #connected = false;
  #closed = false;

  constructor(options: LightClientOptions, handlers: LightClientHandlers = {}) {
    this.#handlers = handlers;
    this.#timeoutMs = options.timeoutMs;
    this.#auth = options.auth;
    this.#ws = new WebSocket(engineUrl(options.url, options.path), {
      perMessageDeflate: false,
      localAddress: options.localAddress,
      handshakeTimeout: options.timeoutMs,
    });
    this.#connectTimer = setTimeout(() => this.#close('connect timeout'), options.timeoutMs);
    if (handlers.onOpen !== undefined) this.#ws.once('open', handlers.onOpen);
    this.#ws.on('message', (data, isBinary) => {
      if (!isBinary) this.#onFrame(data.toString());
    });
    this.#ws.on('error', (err) => this.#close(`transport error: ${err.message}`));
    this.#ws.on('close', () => this.#close('transport close'));
  }

  /** Whether the namespace connection is up. */
  get connected(): boolean {
    return this.#connected;
  }

  /** Emits an event without an ack. */
  emit(event: string, ...args: unknown[]): void {
    this.#send(`${EIO_MESSAGE}${SIO_EVENT}${JSON.stringify([event, ...args])}`);
  }

  /** Emits an event with an ack id; resolves with the ack's first argument. */
  emitWithAck(event: string, ...args: unknown[]): Promise<unknown> {
    if (!this.#connected) return Promise.reject(new AckError('closed'));
    const id = this.#nextAckId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#acks?.delete(id);
        reject(new AckError('timeout'));
      }, this.#timeoutMs);
      (this.#acks ??= new Map()).set(id, { resolve, reject, timer });
      this.#send(`${EIO_MESSAGE}${SIO_EVENT}${id}${JSON.stringify([event, ...args])}`);
    });
  }

  /** Leaves the namespace and closes the connection (reason `io client disconnect`). */
  close(): void {
    if (this.#connected) this.#send(`${EIO_MESSAGE}${SIO_DISCONNECT}`);
    this.#close('io client disconnect');
  }

  #send(frame: string): void {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(frame);
  }

  #onFrame(frame: string): void {
    switch (frame[0]) {
      case EIO_PING:
        // engine.io v4: the server pings, the client must pong within pingTimeout.
        this.#send(`${EIO_PONG}${frame.slice(1)}`);
        return;
      case EIO_OPEN:
        this.#send(`${EIO_MESSAGE}${SIO_CONNECT}${JSON.stringify(this.#auth)}`);
        return;
      case EIO_MESSAGE:
        this.#onPacket(frame);
        return;
      case EIO_CLOSE:
        this.#close('transport close');
        return;
      default:
      // noop (6) and anything else: nothing to do.
    }
  }

  /** A socket.io packet of the main namespace: `4<type>[<ack id>][<json>]`. */
  #onPacket(frame: string): void {
    const type = frame[1];
    let at = 2;
    while (at < frame.length && frame.charCodeAt(at) >= 48 && frame.charCodeAt(at) <= 57) at++;
    const id = at > 2 ? Number(frame.slice(2, at)) : undefined;
    let data: unknown;
    try {
      data = at < frame.length ? JSON.parse(frame.slice(at)) : undefined;
    } catch {
      this.#close('parse error');
      return;
    }
    switch (type) {
      case SIO_CONNECT:
        clearTimeout(this.#connectTimer);
        this.#connected = true;
        this.#handlers.onConnect?.();
        return;
      case SIO_CONNECT_ERROR:
        clearTimeout(this.#connectTimer);
        this.#handlers.onConnectError?.(data);
        this.#close('connect error');
        return;
      case SIO_DISCONNECT:
        this.#close('io server disconnect');
        return;
      case SIO_EVENT: {
        if (!Array.isArray(data) || typeof data[0] !== 'string') return;
        this.#handlers.onEvent?.(data[0], data.slice(1));
        return;
      }
      case SIO_ACK: {
        const pending = id === undefined ? undefined : this.#acks?.get(id);
        if (pending === undefined) return;
        this.#acks!.delete(id!);
        clearTimeout(pending.timer);
        pending.resolve(Array.isArray(data) ? data[0] : undefined);
        return;
      }
      default:
    }
  }

  #close(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#connected = false;
    clearTimeout(this.#connectTimer);
    if (this.#acks !== undefined) {
      for (const pending of this.#acks.values()) {
        clearTimeout(pending.timer);
        pending.reject(new AckError('closed'));
      }
      this.#acks = undefined;
    }
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.close();
    else if (this.#ws.readyState === WebSocket.CONNECTING) this.#ws.terminate();
    this.#handlers.onClose?.(reason);
  }
}
