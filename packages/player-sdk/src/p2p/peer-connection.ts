import {
  chunkSegment,
  decodePeerMessage,
  encodePeerMessage,
  PEER_CHUNK_SIZE,
  type PeerMessage,
  type SignalData,
} from '@streamrp2p/protocol';
import { Emitter } from '../emitter.js';
import { SdkError, SdkErrorCode } from '../errors.js';
import { PeerScore } from './peer-score.js';
import type { CreatePeerTransport, PeerTransport } from './peer-transport.js';
import type { TokenBucket } from './token-bucket.js';

/** Data-channel send buffer watermarks: pause above HIGH, resume below LOW. */
const BUFFER_HIGH = 1024 * 1024;
const BUFFER_LOW = 256 * 1024;
/** Concurrent uploads served to one peer; more requests wait in line. */
const MAX_UPLOADS_PER_PEER = 2;

/** What the connection asks of its owner to serve uploads. */
export interface UploadSource {
  /** The bytes of a held segment, or undefined. */
  segment(sequence: number): Uint8Array | undefined;
  /** Whether this viewer uploads at all (consume-only mode says no). */
  uploadAllowed(): boolean;
  /** Upload rate limiter shared by all peers; undefined when uncapped. */
  limiter: TokenBucket | undefined;
}

export interface PeerConnectionOptions {
  peerId: string;
  swarm: string;
  initiator: boolean;
  wrtc: unknown;
  iceServers: RTCIceServer[];
  /** Opens the data channel under the protocol (see `WebRtcTransport`). */
  createTransport: CreatePeerTransport;
  source: UploadSource;
  responseTimeoutMs: number;
  stallTimeoutMs: number;
}

export interface PeerConnectionEvents {
  [event: string]: unknown;
  signal: SignalData;
  connect: undefined;
  close: { reason: string };
  /** The remote's held/fetching state changed; `sequence` is set for a single-segment update. */
  state: { sequence: number | undefined };
  /** The remote broke the protocol: the owner bans it. */
  violation: { reason: string };
  uploaded: { sequence: number; bytes: number };
}

/** Callbacks of one download from the remote. */
export interface DownloadHandlers {
  onHeader(byteLength: number): void;
  onChunk(bytes: Uint8Array): void;
}

interface Download {
  sequence: number;
  offset: number;
  byteLength: number | undefined;
  received: number;
  handlers: DownloadHandlers;
  resolve(): void;
  reject(error: SdkError): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * One WebRTC data channel to one peer of a swarm: keeps what the remote holds, downloads
 * segments from it, and serves it ours under the upload cap with backpressure.
 */
export class PeerConnection extends Emitter<PeerConnectionEvents> {
  readonly peerId: string;
  readonly swarm: string;
  readonly initiator: boolean;
  /** How well the remote has served our downloads: the loader records, the scheduler ranks. */
  readonly score = new PeerScore();
  private readonly transport: PeerTransport;
  private readonly held = new Set<number>();
  private readonly fetching = new Set<number>();
  private readonly downloads = new Map<number, Download>();
  private readonly uploads = new Map<number, { cancelled: boolean }>();
  private uploadQueue: Array<() => void> = [];
  private nextRequestId = 1;
  /**
   * Whether the remote has ever announced a segment. Consume-only viewers never do: they must
   * not be counted on to fetch a segment for the others.
   */
  private shares = false;
  /** Whether the remote's first `have` arrived: until then we do not know what it holds. */
  private stateReceived = false;
  private isConnected = false;
  private closed = false;

  constructor(private readonly options: PeerConnectionOptions) {
    super();
    this.peerId = options.peerId;
    this.swarm = options.swarm;
    this.initiator = options.initiator;
    this.transport = options.createTransport(
      { initiator: options.initiator, iceServers: options.iceServers, wrtc: options.wrtc },
      {
        onSignal: (data) => this.emit('signal', data),
        onConnect: () => {
          this.isConnected = true;
          this.emit('connect', undefined);
        },
        onData: (data) => this.onData(data),
        onClose: (reason) => this.close(reason),
      },
    );
  }

  get connected(): boolean {
    return this.isConnected && !this.closed;
  }

  /** Downloads from this peer in progress. */
  get activeDownloads(): number {
    return this.downloads.size;
  }

  /** Feeds signalling data relayed by the tracker. */
  signal(data: SignalData): void {
    if (!this.closed) this.transport.signal(data);
  }

  /** Whether we know what the remote holds: connected, and its first `have` arrived. */
  get stateKnown(): boolean {
    return this.connected && this.stateReceived;
  }

  /** Whether the remote shares segments at all (it has announced one). */
  get sharing(): boolean {
    return this.shares;
  }

  has(sequence: number): boolean {
    return this.held.has(sequence);
  }

  isFetching(sequence: number): boolean {
    return this.fetching.has(sequence);
  }

  /** Sends our complete state. */
  sendHave(sequences: number[], fetching: number[]): void {
    this.send({ type: 'have', sequences: sequences.slice(-2048), fetching: fetching.slice(-2048) });
  }

  sendUpdate(sequence: number, state: 'held' | 'fetching' | 'dropped'): void {
    this.send({ type: 'update', sequence, state });
  }

  /**
   * Downloads a segment from byte `offset`. Resolves when the last byte arrived; rejects with
   * an SdkError on absent, timeout, close or abort (sending `cancel` to the remote).
   */
  download(
    sequence: number,
    offset: number,
    handlers: DownloadHandlers,
    signal?: AbortSignal,
  ): Promise<void> {
    if (!this.connected)
      return Promise.reject(new SdkError(SdkErrorCode.PeerClosed, 'peer is not connected'));
    const requestId = this.nextRequestId++;
    return new Promise<void>((resolve, reject) => {
      const download: Download = {
        sequence,
        offset,
        byteLength: undefined,
        received: 0,
        handlers,
        resolve: () => {
          this.finishDownload(requestId);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (error) => {
          this.finishDownload(requestId);
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
        timer: undefined,
      };
      const onAbort = () => {
        this.send({ type: 'cancel', requestId });
        download.reject(new SdkError(SdkErrorCode.Aborted, 'download aborted'));
      };
      if (signal?.aborted) return reject(new SdkError(SdkErrorCode.Aborted, 'download aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.downloads.set(requestId, download);
      this.armTimer(requestId, this.options.responseTimeoutMs, 'no response');
      this.send({ type: 'request', requestId, sequence, offset });
    });
  }

  /** Closes the connection; pending downloads fail, uploads stop. Idempotent. */
  close(reason = 'closed'): void {
    if (this.closed) return;
    this.closed = true;
    for (const download of [...this.downloads.values()]) {
      download.reject(new SdkError(SdkErrorCode.PeerClosed, `peer closed: ${reason}`));
    }
    for (const upload of this.uploads.values()) upload.cancelled = true;
    this.uploadQueue.forEach((start) => start());
    this.uploadQueue = [];
    this.transport.close();
    this.emit('close', { reason });
    this.removeAllListeners();
  }

  private finishDownload(requestId: number): void {
    const download = this.downloads.get(requestId);
    if (download?.timer) clearTimeout(download.timer);
    this.downloads.delete(requestId);
  }

  private armTimer(requestId: number, ms: number, what: string): void {
    const download = this.downloads.get(requestId);
    if (!download) return;
    if (download.timer) clearTimeout(download.timer);
    download.timer = setTimeout(() => {
      this.send({ type: 'cancel', requestId });
      download.reject(new SdkError(SdkErrorCode.PeerTimeout, `${what} from peer within ${ms} ms`));
    }, ms);
  }

  private send(message: PeerMessage): void {
    this.sendRaw(encodePeerMessage(message));
  }

  private sendRaw(bytes: Uint8Array): void {
    if (!this.connected) return;
    try {
      this.transport.send(bytes);
    } catch (error) {
      this.close(`send failed: ${String(error)}`);
    }
  }

  private violation(reason: string): void {
    this.emit('violation', { reason });
    this.close(`protocol violation: ${reason}`);
  }

  private onData(data: Uint8Array): void {
    let message: PeerMessage;
    try {
      message = decodePeerMessage(data);
    } catch (error) {
      this.violation(error instanceof Error ? error.message : String(error));
      return;
    }
    switch (message.type) {
      case 'have':
        this.held.clear();
        this.fetching.clear();
        message.sequences.forEach((s) => this.held.add(s));
        message.fetching.forEach((s) => this.fetching.add(s));
        this.shares ||= this.held.size > 0 || this.fetching.size > 0;
        this.stateReceived = true;
        this.emit('state', { sequence: undefined });
        return;
      case 'update':
        this.held.delete(message.sequence);
        this.fetching.delete(message.sequence);
        if (message.state === 'held') this.held.add(message.sequence);
        if (message.state === 'fetching') this.fetching.add(message.sequence);
        this.shares ||= message.state !== 'dropped';
        this.emit('state', { sequence: message.sequence });
        return;
      case 'request':
        this.serve(message.requestId, message.sequence, message.offset);
        return;
      case 'cancel': {
        const upload = this.uploads.get(message.requestId);
        if (upload) upload.cancelled = true;
        return;
      }
      case 'data':
        return this.onDataHeader(
          message.requestId,
          message.sequence,
          message.byteLength,
          message.offset,
        );
      case 'chunk':
        return this.onChunk(message.requestId, message.bytes);
      case 'absent': {
        const download = this.downloads.get(message.requestId);
        this.held.delete(message.sequence);
        download?.reject(
          new SdkError(SdkErrorCode.PeerAbsent, `peer does not hold segment ${message.sequence}`),
        );
        return;
      }
    }
  }

  private onDataHeader(
    requestId: number,
    sequence: number,
    byteLength: number,
    offset: number,
  ): void {
    const download = this.downloads.get(requestId);
    if (!download) return; // a reply to a request we already cancelled
    if (
      download.sequence !== sequence ||
      download.offset !== offset ||
      download.byteLength !== undefined
    ) {
      this.violation(`data header does not match request ${requestId}`);
      return;
    }
    download.byteLength = byteLength;
    try {
      download.handlers.onHeader(byteLength);
    } catch (error) {
      // The receiver refuses this reply (say, another length than other peers gave): fail
      // this download only; whether the peer lied is for the integrity check to find out.
      this.send({ type: 'cancel', requestId });
      download.reject(
        error instanceof SdkError ? error : new SdkError(SdkErrorCode.PeerProtocol, String(error)),
      );
      return;
    }
    if (offset === byteLength) download.resolve();
    else this.armTimer(requestId, this.options.stallTimeoutMs, 'no data');
  }

  private onChunk(requestId: number, bytes: Uint8Array): void {
    const download = this.downloads.get(requestId);
    if (!download) return; // late chunk of a cancelled request
    if (download.byteLength === undefined) {
      this.violation('chunk before data header');
      return;
    }
    const end = download.offset + download.received + bytes.byteLength;
    if (end > download.byteLength) {
      this.violation('chunk beyond the announced segment length');
      return;
    }
    download.received += bytes.byteLength;
    download.handlers.onChunk(bytes);
    if (end === download.byteLength) download.resolve();
    else this.armTimer(requestId, this.options.stallTimeoutMs, 'no data');
  }

  private serve(requestId: number, sequence: number, offset: number): void {
    const { source } = this.options;
    const bytes = source.uploadAllowed() ? source.segment(sequence) : undefined;
    if (!bytes || offset > bytes.byteLength || this.uploads.has(requestId)) {
      this.send({ type: 'absent', requestId, sequence });
      return;
    }
    const upload = { cancelled: false };
    this.uploads.set(requestId, upload);
    const start = () => {
      this.upload(requestId, sequence, bytes, offset, upload)
        .catch(() => undefined)
        .finally(() => {
          this.uploads.delete(requestId);
          this.uploadQueue.shift()?.();
        });
    };
    if (this.uploads.size <= MAX_UPLOADS_PER_PEER) start();
    else this.uploadQueue.push(start);
  }

  private async upload(
    requestId: number,
    sequence: number,
    bytes: Uint8Array,
    offset: number,
    upload: { cancelled: boolean },
  ): Promise<void> {
    if (upload.cancelled || !this.connected) return;
    this.send({ type: 'data', requestId, sequence, byteLength: bytes.byteLength, offset });
    const { limiter } = this.options.source;
    let sent = offset;
    for (const chunk of chunkSegment(requestId, bytes, offset)) {
      const payload = Math.min(PEER_CHUNK_SIZE, bytes.byteLength - sent);
      if (limiter) await limiter.take(payload);
      await this.drain();
      if (upload.cancelled || !this.connected) return;
      this.sendRaw(chunk);
      sent += payload;
      this.emit('uploaded', { sequence, bytes: payload });
    }
  }

  /** Waits while the data channel's send buffer is above the high watermark. */
  private async drain(): Promise<void> {
    if (this.transport.bufferedAmount >= BUFFER_HIGH) await this.transport.drained(BUFFER_LOW);
  }
}
