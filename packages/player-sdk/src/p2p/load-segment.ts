import createDebug from 'debug';
import { SdkError, SdkErrorCode, isAbort } from '../errors.js';
import { httpFetch, type ByteRange } from './http-fetch.js';
import type { PeerConnection } from './peer-connection.js';
import {
  decide,
  p2pFallsBehind,
  rankFor,
  rankJitter,
  type SchedulerDecision,
} from './scheduler.js';
import type { Swarm } from './swarm.js';
import type { EngineConfig } from './config.js';
import type { Verification } from '../coordinator/coordinator-link.js';

const debug = createDebug('streamrp2p:engine:load');

/** One segment hls.js (or a playback clock) asks the engine for. */
export interface SegmentRequest {
  /** Rendition id: viewers of the same rendition share a swarm. */
  rendition: string;
  /** Media sequence number (live) or index (VOD): the segment's identity in the swarm. */
  sequence: number;
  /** HTTP URL of the segment, for the origin fallback. */
  url: string;
  /** The segment's byte range within `url` (HLS `#EXT-X-BYTERANGE`). */
  range?: ByteRange | undefined;
  /** Milliseconds until playback needs the segment: 0 when needed now. */
  deadlineMs: number;
  live: boolean;
  signal?: AbortSignal | undefined;
  /**
   * Progress of an HTTP transfer, as it starts and as its body arrives. Waits for peers and
   * peer transfers are not reported: hls.js' ABR must see only what the origin delivers.
   */
  onHttpProgress?: ((progress: HttpTransfer) => void) | undefined;
}

/** One HTTP transfer of (part of) a segment. Times are `performance.now()` values. */
export interface HttpTransfer {
  startedAt: number;
  /** 0 until the first byte arrived. */
  firstByteAt: number;
  /** 0 until the body is complete. */
  endedAt: number;
  /** Body bytes received so far (the whole resource when the server ignored our `Range`). */
  loaded: number;
}

/** Where a segment's bytes came from. */
export type SegmentSource = 'http' | 'p2p' | 'cache';

/**
 * Why (part of) a segment came over HTTP: a scheduler decision (see `decide()`), a peer
 * download that fell behind its deadline, or bytes from peers that failed verification.
 */
export type HttpReason =
  Extract<SchedulerDecision, { action: 'http' }>['reason'] | 'p2p-too-slow' | 'verification-failed';

export interface SegmentResult {
  bytes: Uint8Array;
  source: SegmentSource;
  /** The peer that delivered the whole segment (verified), when one did: receipts go to it. */
  peerId: string | undefined;
  /** Merkle root (hex) the bytes from peers matched, when checked against the coordinator. */
  root: string | undefined;
  verified: boolean;
  /** Bytes each peer contributed (a download can resume on another peer, then HTTP). */
  contributors: Record<string, number>;
  httpBytes: number;
  p2pBytes: number;
  /** Why HTTP was used, when it was (the last reason, if a download went to HTTP twice). */
  httpReason: HttpReason | undefined;
  /** The last HTTP transfer, when HTTP delivered bytes of the segment. */
  http: HttpTransfer | undefined;
  /** Request to last byte of the one peer's transfer, ms, when one peer delivered it all. */
  deliveryMs?: number | undefined;
  startedAt: number;
  firstByteAt: number;
  endedAt: number;
}

/** What loading needs from the engine. */
export interface LoadContext {
  config: EngineConfig;
  selfId(): string;
  swarm: Swarm;
  cached(sequence: number): Uint8Array | undefined;
  /** Expected HTTP download time of a segment, ms. */
  estimatedHttpMs(): number;
  /** Expected size of a segment, bytes, once one arrived. */
  estimatedSegmentBytes(): number | undefined;
  recordHttp(bytes: number, totalMs: number, ttfbMs: number): void;
  /** Counts bytes as they arrive, so aborted downloads are in the totals too. */
  countBytes(from: 'http' | 'p2p', bytes: number): void;
  /**
   * Announces that the segment is on its way to us (true): we download it, over HTTP or from a
   * peer, or wait for a peer that does; or that we gave up on it (false).
   */
  setFetching(sequence: number, fetching: boolean): void;
  /** Stores a delivered segment so peers can get it from us. */
  complete(sequence: number, bytes: Uint8Array): void;
  /** Whether bytes received from peers are the true segment (integrity hook). */
  verify(sequence: number, bytes: Uint8Array, waitMs: number): Promise<Verification>;
  /** Whether this viewer never uploads (it then waits for sharing peers to fetch first). */
  consumeOnly: boolean;
  /** Whether bytes whose root is unknown may be used anyway. */
  acceptUnverified: boolean;
  reportPeerFailure(peer: PeerConnection, error: SdkError): void;
  reportIntegrityFailure(peerId: string, sequence: number): void;
  reportUnverified(sequence: number): void;
}

/** Bytes gathered so far, from any mix of peers and HTTP, in order from offset 0. */
class Assembly {
  private parts: Uint8Array[] = [];
  received = 0;
  total: number | undefined;
  p2pBytes = 0;
  httpBytes = 0;
  firstByteAt = 0;
  /** When the peer that sent the first byte was asked, and when its last byte came. */
  p2pRequestedAt = 0;
  p2pLastByteAt = 0;
  /** Bytes each peer contributed. */
  readonly contributors = new Map<string, number>();

  add(bytes: Uint8Array, from: 'p2p' | 'http', peerId?: string): void {
    if (peerId)
      this.contributors.set(peerId, (this.contributors.get(peerId) ?? 0) + bytes.byteLength);
    // Data-channel and fetch buffers may be reused: keep our own copy.
    this.parts.push(bytes.slice());
    this.received += bytes.byteLength;
    if (from === 'p2p') this.p2pBytes += bytes.byteLength;
    else this.httpBytes += bytes.byteLength;
    if (!this.firstByteAt) this.firstByteAt = performance.now();
  }

  reset(): void {
    this.parts = [];
    this.contributors.clear();
    this.received = this.p2pBytes = this.httpBytes = 0;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.received);
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.byteLength;
    }
    return out;
  }
}

/**
 * Our "fetching" announcement for one segment. Neighbours that see it wait for us instead of
 * fetching the segment over HTTP themselves, so we make it while we download the segment (over
 * HTTP or from a peer) and also while we wait for a neighbour that announced it: that passes
 * "someone is getting it" across the mesh ahead of the bytes, to viewers that are not the
 * fetcher's neighbours. Waits are bounded by the deadline, so a claim whose source went away
 * costs time, never a stall.
 */
class FetchClaim {
  private claimed = false;

  constructor(
    private readonly context: LoadContext,
    private readonly sequence: number,
  ) {}

  set(claimed: boolean): void {
    if (claimed === this.claimed) return;
    this.claimed = claimed;
    this.context.setFetching(this.sequence, claimed);
  }

  /** The segment was delivered: `complete()` turns the claim into "held". */
  delivered(): void {
    this.claimed = false;
  }
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SdkError(SdkErrorCode.Aborted, 'segment load aborted');
}

/**
 * Waits until a peer's state changes, a peer connects or closes, `until` passes, or the load
 * aborts: anything that can change the decision.
 */
function waitForPeers(
  swarm: Swarm,
  sequence: number,
  until: number,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      offState();
      offConnect();
      offClose();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, until - performance.now()));
    const offState = swarm.on('peer-state', (event) => {
      if (event.sequence === undefined || event.sequence === sequence) done();
    });
    const offConnect = swarm.on('peer-connect', done);
    const offClose = swarm.on('peer-close', done);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function pickHolder(
  swarm: Swarm,
  sequence: number,
  failed: Set<string>,
): PeerConnection | undefined {
  const holders = swarm
    .connected()
    .filter((peer) => peer.has(sequence) && !failed.has(peer.peerId));
  holders.sort(
    (a, b) =>
      a.activeDownloads - b.activeDownloads ||
      b.score.speed - a.score.speed ||
      a.score.failures - b.score.failures ||
      Math.random() - 0.5,
  );
  return holders[0];
}

/** Downloads the rest of a segment from one peer, abandoning it when it falls behind. */
async function fromPeer(
  context: LoadContext,
  peer: PeerConnection,
  request: SegmentRequest,
  assembly: Assembly,
  deadline: number,
): Promise<void> {
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort();
  request.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const startedAt = performance.now();
  const startReceived = assembly.received;
  if (startReceived === 0) assembly.p2pRequestedAt = startedAt;
  let tooSlow = false;
  const watchdog = setInterval(() => {
    const behind = p2pFallsBehind({
      now: performance.now(),
      startedAt,
      received: assembly.received - startReceived,
      total: assembly.total === undefined ? undefined : assembly.total - startReceived,
      deadline,
      deadlineMarginMs: context.config.deadlineMarginMs,
      estimatedHttpMs: context.estimatedHttpMs(),
    });
    if (behind) {
      tooSlow = true;
      controller.abort();
    }
  }, 200);
  try {
    await peer.download(
      request.sequence,
      assembly.received,
      {
        onHeader: (byteLength) => {
          if (assembly.total !== undefined && assembly.total !== byteLength) {
            throw new SdkError(SdkErrorCode.PeerProtocol, 'peer announced another segment length');
          }
          assembly.total = byteLength;
        },
        onChunk: (bytes) => {
          context.countBytes('p2p', bytes.byteLength);
          assembly.add(bytes, 'p2p', peer.peerId);
          assembly.p2pLastByteAt = performance.now();
        },
      },
      controller.signal,
    );
    const ms = performance.now() - startedAt;
    const bytes = assembly.received - startReceived;
    peer.score.speed = peer.score.speed ? peer.score.speed * 0.7 + (bytes / ms) * 0.3 : bytes / ms;
    peer.score.successes += 1;
  } catch (error) {
    if (tooSlow)
      throw new SdkError(SdkErrorCode.P2PTooSlow, 'P2P download fell behind its deadline');
    throw error;
  } finally {
    clearInterval(watchdog);
    request.signal?.removeEventListener('abort', onOuterAbort);
  }
}

/** Fetches the rest of a segment over HTTP, resuming after what peers delivered. */
async function fromHttp(
  context: LoadContext,
  request: SegmentRequest,
  assembly: Assembly,
): Promise<HttpTransfer> {
  const transfer: HttpTransfer = { startedAt: 0, firstByteAt: 0, endedAt: 0, loaded: 0 };
  const result = await httpFetch(request.url, {
    range: request.range,
    offset: assembly.received,
    signal: request.signal,
    onStart: (at) => {
      transfer.startedAt = at;
      request.onHttpProgress?.(transfer);
    },
    onChunk: (bytes) => {
      context.countBytes('http', bytes.byteLength);
      transfer.firstByteAt ||= performance.now();
      transfer.loaded += bytes.byteLength;
      request.onHttpProgress?.(transfer);
    },
  });
  assembly.add(result.bytes, 'http');
  assembly.total = assembly.received;
  transfer.firstByteAt = result.firstByteAt;
  transfer.endedAt = result.endedAt;
  context.recordHttp(
    result.bodyBytes,
    result.endedAt - result.startedAt,
    result.firstByteAt - result.startedAt,
  );
  return transfer;
}

/**
 * Delivers one segment: from a peer when one holds it in time, otherwise over HTTP, never
 * letting P2P make playback miss its deadline. See `decide()` for the policy.
 */
export async function loadSegment(
  context: LoadContext,
  request: SegmentRequest,
): Promise<SegmentResult> {
  const startedAt = performance.now();
  const deadline = startedAt + request.deadlineMs;
  const { swarm, config } = context;
  const cached = context.cached(request.sequence);
  if (cached) {
    const now = performance.now();
    return {
      bytes: cached,
      source: 'cache',
      peerId: undefined,
      root: undefined,
      verified: false,
      contributors: {},
      httpBytes: 0,
      p2pBytes: 0,
      httpReason: undefined,
      http: undefined,
      deliveryMs: undefined,
      startedAt,
      firstByteAt: now,
      endedAt: now,
    };
  }
  const assembly = new Assembly();
  const failed = new Set<string>();
  const claim = new FetchClaim(context, request.sequence);
  let httpReason: HttpReason | undefined;
  let http: HttpTransfer | undefined;
  let bytes: Uint8Array;
  let uploader: string | undefined;
  let root: string | undefined;
  let verified = false;
  try {
    for (;;) {
      checkAbort(request.signal);
      const now = performance.now();
      const holder = pickHolder(swarm, request.sequence, failed);
      const fetchers = swarm
        .connected()
        .filter((p) => p.isFetching(request.sequence) && !failed.has(p.peerId));
      const decision = decide({
        now,
        deadline,
        startedAt,
        live: request.live,
        holders: holder ? 1 : 0,
        fetchers: fetchers.length,
        rank: rankAmongSharers(context, swarm, request.sequence),
        estimatedHttpMs: context.estimatedHttpMs(),
        estimatedPeerMs: estimatedPeerMs(context, fetchers),
        httpStaggerMs: config.httpStaggerMs,
        maxPeerWaitMs: config.maxPeerWaitMs,
        deadlineMarginMs: config.deadlineMarginMs,
      });
      debug(
        '%s #%d: %o (holders %d, fetchers %d)',
        context.selfId(),
        request.sequence,
        decision,
        holder ? 1 : 0,
        fetchers.length,
      );
      if (decision.action === 'wait') {
        claim.set(decision.reason === 'peer-fetching');
        await waitForPeers(swarm, request.sequence, decision.until, request.signal);
        continue;
      }
      claim.set(true);
      if (decision.action === 'p2p' && holder) {
        try {
          await fromPeer(context, holder, request, assembly, deadline);
          break;
        } catch (error) {
          checkAbort(request.signal);
          const sdkError =
            error instanceof SdkError
              ? error
              : new SdkError(SdkErrorCode.PeerProtocol, String(error));
          failed.add(holder.peerId);
          context.reportPeerFailure(holder, sdkError);
          if (sdkError.code === SdkErrorCode.P2PTooSlow) {
            httpReason = 'p2p-too-slow';
            http = await fromHttp(context, request, assembly);
            break;
          }
          continue;
        }
      }
      httpReason = decision.action === 'http' ? decision.reason : 'no-peers';
      http = await fromHttp(context, request, assembly);
      break;
    }
    bytes = assembly.bytes();
    uploader = soleUploader(assembly);
    if (assembly.p2pBytes > 0) {
      // Waiting for a root must not eat the time an HTTP refetch would need before the deadline.
      const rootWaitMs = Math.max(
        0,
        Math.min(
          config.rootWaitMs,
          deadline - performance.now() - config.deadlineMarginMs - context.estimatedHttpMs(),
        ),
      );
      const verification = await context.verify(request.sequence, bytes, rootWaitMs);
      checkAbort(request.signal);
      const late =
        verification.status === 'unknown' &&
        !context.acceptUnverified &&
        rootWaitMs < config.rootWaitMs
          ? await refetchUnlessRootArrives(context, request, bytes, uploader)
          : undefined;
      if (late?.status === 'ok') {
        root = late.root;
        verified = root !== undefined;
      } else if (late) {
        uploader = undefined;
        assembly.reset();
        assembly.add(late.bytes, 'http');
        httpReason = 'verification-failed';
        http = late.transfer;
        bytes = late.bytes;
      } else if (verification.status === 'ok') {
        root = verification.root;
        verified = root !== undefined;
      } else if (verification.status === 'unknown' && context.acceptUnverified) {
        context.reportUnverified(request.sequence);
      } else {
        // Only a peer that sent every byte is surely the culprit; a mix is just refetched.
        if (verification.status === 'mismatch' && uploader) {
          context.reportIntegrityFailure(uploader, request.sequence);
        } else if (verification.status === 'unknown') {
          context.reportUnverified(request.sequence);
        }
        uploader = undefined;
        assembly.reset();
        httpReason = 'verification-failed';
        http = await fromHttp(context, request, assembly);
        bytes = assembly.bytes();
      }
    }
    claim.delivered();
  } catch (error) {
    if (isAbort(error)) throw new SdkError(SdkErrorCode.Aborted, 'segment load aborted');
    throw error;
  } finally {
    claim.set(false);
  }
  context.complete(request.sequence, bytes);
  return {
    bytes,
    source: assembly.p2pBytes > assembly.httpBytes ? 'p2p' : 'http',
    peerId: uploader,
    root,
    verified,
    contributors: Object.fromEntries(assembly.contributors),
    httpBytes: assembly.httpBytes,
    p2pBytes: assembly.p2pBytes,
    httpReason,
    http,
    deliveryMs: uploader ? Math.round(assembly.p2pLastByteAt - assembly.p2pRequestedAt) : undefined,
    startedAt,
    firstByteAt: assembly.firstByteAt || performance.now(),
    endedAt: performance.now(),
  };
}

/** How {@link refetchUnlessRootArrives} ended: the peers' bytes verified, or HTTP's bytes. */
type LateRoot =
  | { status: 'ok'; root: string | undefined }
  | { status: 'http'; bytes: Uint8Array; transfer: HttpTransfer };

/**
 * Peers' bytes whose root was not indexed within the time the deadline left: fetch the segment
 * over HTTP, as playback needs it, and meanwhile keep waiting for the root (up to
 * `rootWaitMs`). A fresh live segment reaches the indexer about when it reaches the first
 * viewers, so its root often comes moments later; if the peers' bytes match it before the
 * HTTP transfer ends, that transfer is cancelled and they are used. HTTP runs at full speed
 * throughout: the wait never delays playback.
 */
async function refetchUnlessRootArrives(
  context: LoadContext,
  request: SegmentRequest,
  peerBytes: Uint8Array,
  uploader: string | undefined,
): Promise<LateRoot> {
  const refetch = new AbortController();
  const onOuterAbort = () => refetch.abort();
  request.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const lateCheck = context
    .verify(request.sequence, peerBytes, context.config.rootWaitMs)
    .then((verification) => {
      if (verification.status === 'mismatch' && uploader) {
        context.reportIntegrityFailure(uploader, request.sequence);
      }
      return verification;
    })
    .catch((): Verification => ({ status: 'unknown' }));
  const assembly = new Assembly();
  const http = fromHttp(context, { ...request, signal: refetch.signal }, assembly).then(
    (transfer): LateRoot => ({ status: 'http', bytes: assembly.bytes(), transfer }),
  );
  try {
    const verified = lateCheck.then((verification) =>
      // Anything but a match leaves it to HTTP.
      verification.status === 'ok' ? verification : http,
    );
    const first = await Promise.race([http, verified]);
    if (first.status === 'ok') {
      refetch.abort();
      http.catch(() => undefined);
      return first;
    }
    void lateCheck.then((verification) => {
      if (verification.status === 'unknown') context.reportUnverified(request.sequence);
    });
    return first;
  } finally {
    request.signal?.removeEventListener('abort', onOuterAbort);
  }
}

/**
 * Our turn to fetch a segment nobody has, among the neighbours that share. A consume-only viewer
 * cannot pass a segment on, so it goes last: the others fetch, and it takes the segment from them.
 */
function rankAmongSharers(context: LoadContext, swarm: Swarm, sequence: number): number {
  const sharers = swarm
    .connected()
    .filter((peer) => peer.sharing)
    .map((peer) => peer.peerId);
  // After every sharer's turn, jitter included.
  if (context.consumeOnly) return sharers.length + 1;
  if (sharers.length === 0) return 0;
  const self = context.selfId();
  return rankFor(self, sharers, sequence) + rankJitter(self, sequence);
}

/**
 * How long the segment's transfer from the fastest of `fetchers` should take once it has it:
 * the expected size at that peer's measured speed, or the HTTP time before either is known.
 */
export function estimatedPeerMs(
  context: Pick<LoadContext, 'estimatedHttpMs' | 'estimatedSegmentBytes'>,
  fetchers: readonly Pick<PeerConnection, 'score'>[],
): number {
  const bytes = context.estimatedSegmentBytes();
  const bytesPerMs = Math.max(0, ...fetchers.map((peer) => peer.score.speed));
  if (bytes === undefined || bytesPerMs === 0) return context.estimatedHttpMs();
  return bytes / bytesPerMs;
}

/** The peer that delivered the whole segment, if one did. */
function soleUploader(assembly: Assembly): string | undefined {
  if (assembly.httpBytes > 0 || assembly.contributors.size !== 1) return undefined;
  return [...assembly.contributors.keys()][0];
}
