import createDebug from 'debug';
import type { Verification } from '../coordinator/coordinator-link.js';
import { SdkError, SdkErrorCode, isAbort } from '../errors.js';
import { Assembly } from './assembly.js';
import { FetchClaim } from './fetch-claim.js';
import type { HttpReason, HttpTransfer, SegmentRequest, SegmentResult } from './load-segment.js';
import type { LoaderServices } from './loader-services.js';
import {
  decide,
  estimatedPeerMs,
  p2pFallsBehind,
  pickHolder,
  rankAmongSharers,
} from './scheduler.js';
import type { Swarm } from './swarm.js';
import { fromHttp, fromPeer, WATCHDOG_MS } from './transfers.js';
import { waitForPeers } from './wait-for-peers.js';

const debug = createDebug('streamrp2p:engine:load');

/** The least part of a segment still to come over HTTP for a holder to take it over. */
const HANDOVER_MIN_REST = 0.25;

/** How the bytes of a load were obtained and checked. */
interface Delivery {
  bytes: Uint8Array;
  /** The peer that sent every byte, when one did (and they were not refetched). */
  uploader: string | undefined;
  root: string | undefined;
  verified: boolean;
  httpReason: HttpReason | undefined;
  http: HttpTransfer | undefined;
}

/**
 * Delivers the segments of one swarm: from a peer when one holds the segment in time, otherwise
 * over HTTP, never letting P2P make playback miss its deadline (see `decide()` for the policy).
 * The engine creates one per swarm; it keeps which segments we announced as on their way to us.
 *
 * @example
 * const loader = new SegmentLoader(swarm, services);
 * const { bytes, source } = await loader.load({ rendition, sequence, url, deadlineMs, live });
 */
export class SegmentLoader {
  /** Sequences we told the swarm are on their way to us. */
  private readonly claims = new Set<number>();

  constructor(
    readonly swarm: Swarm,
    private readonly services: LoaderServices,
  ) {}

  /** Segments we announced as on their way to us: part of the state a new connection is sent. */
  fetching(): number[] {
    return [...this.claims];
  }

  /** Rejects only when HTTP itself fails or the request is aborted. */
  async load(request: SegmentRequest): Promise<SegmentResult> {
    const result = await this.deliver(request);
    this.services.http.recordSize(this.swarm.key, result.bytes.byteLength);
    return result;
  }

  private async deliver(request: SegmentRequest): Promise<SegmentResult> {
    const startedAt = performance.now();
    const cached = this.services.store.get(this.swarm.key, request.sequence);
    if (cached) return cacheHit(cached, startedAt);
    const deadline = startedAt + request.deadlineMs;
    const assembly = new Assembly();
    const claim = new FetchClaim((claimed) => this.claim(request.sequence, claimed));
    let delivery: Delivery;
    try {
      const gathered = await this.gather(request, assembly, claim, startedAt, deadline);
      delivery = {
        bytes: assembly.bytes(),
        uploader: assembly.soleUploader(),
        root: undefined,
        verified: false,
        ...gathered,
      };
      if (assembly.p2pBytes > 0) delivery = await this.check(request, assembly, deadline, delivery);
      claim.delivered();
    } catch (error) {
      if (isAbort(error)) throw new SdkError(SdkErrorCode.Aborted, 'segment load aborted');
      throw error;
    } finally {
      claim.set(false);
    }
    this.complete(request.sequence, delivery.bytes);
    const { uploader } = delivery;
    return {
      bytes: delivery.bytes,
      source: assembly.p2pBytes > assembly.httpBytes ? 'p2p' : 'http',
      peerId: uploader,
      root: delivery.root,
      verified: delivery.verified,
      contributors: Object.fromEntries(assembly.contributors),
      httpBytes: assembly.httpBytes,
      p2pBytes: assembly.p2pBytes,
      httpReason: delivery.httpReason,
      http: delivery.http,
      deliveryMs: uploader
        ? Math.round(assembly.p2pLastByteAt - assembly.p2pRequestedAt)
        : undefined,
      startedAt,
      firstByteAt: assembly.firstByteAt || performance.now(),
      endedAt: performance.now(),
    };
  }

  /** Gets the segment's bytes into `assembly`: waits, peers in turn, HTTP as the decision says. */
  private async gather(
    request: SegmentRequest,
    assembly: Assembly,
    claim: FetchClaim,
    startedAt: number,
    deadline: number,
  ): Promise<Pick<Delivery, 'httpReason' | 'http'>> {
    const { config } = this.services;
    const { sequence } = request;
    const failed = new Set<string>();
    /** The HTTP transfer a holder took over, if one did. */
    let handedOver: Pick<Delivery, 'httpReason' | 'http'> | undefined;
    for (;;) {
      checkAbort(request.signal);
      const now = performance.now();
      const peers = this.swarm.connected();
      const holder = pickHolder(peers, sequence, failed);
      const fetchers = peers.filter((p) => p.isFetching(sequence) && !failed.has(p.peerId));
      const self = this.services.self();
      const estimatedHttpMs = this.estimatedHttpMs();
      const segmentBytes = this.services.http.segmentSize(this.swarm.key);
      const decision = decide({
        now,
        deadline,
        startedAt,
        live: request.live,
        holders: holder ? 1 : 0,
        fetchers: fetchers.length,
        rank: rankAmongSharers(self.peerId, peers, sequence, self.consumeOnly),
        neighboursSettleBy: this.neighboursSettleBy(),
        estimatedHttpMs,
        estimatedPeerMs: estimatedPeerMs(segmentBytes, estimatedHttpMs, fetchers),
        httpStaggerMs: config.httpStaggerMs,
        maxPeerWaitMs: config.maxPeerWaitMs,
        deadlineMarginMs: config.deadlineMarginMs,
      });
      debug(
        '%s #%d: %o (holders %d, fetchers %d)',
        self.peerId,
        sequence,
        decision,
        holder ? 1 : 0,
        fetchers.length,
      );
      if (decision.action === 'wait') {
        claim.set(decision.reason === 'peer-fetching');
        await waitForPeers(this.swarm, sequence, decision.until, request.signal);
        continue;
      }
      claim.set(true);
      if (decision.action === 'p2p' && holder) {
        try {
          await fromPeer(holder, request, assembly, {
            deadline,
            deadlineMarginMs: config.deadlineMarginMs,
            estimatedHttpMs: () => this.estimatedHttpMs(),
            count: (bytes) => this.services.report({ type: 'bytes', from: 'p2p', bytes }),
          });
          return handedOver ?? { httpReason: undefined, http: undefined };
        } catch (error) {
          checkAbort(request.signal);
          const sdkError =
            error instanceof SdkError
              ? error
              : new SdkError(SdkErrorCode.PeerProtocol, String(error));
          failed.add(holder.peerId);
          this.services.report({ type: 'peer-failure', peerId: holder.peerId, error: sdkError });
          if (sdkError.code !== SdkErrorCode.P2PTooSlow) continue;
          // A holder busy serving many at once is slow; another (one that got the segment
          // meanwhile, say) may send the rest in time: resume from it, else HTTP resumes.
          if (this.otherHolderInTime(sequence, failed, deadline)) continue;
          return { httpReason: 'p2p-too-slow', http: await this.fromHttp(request, assembly) };
        }
      }
      const httpReason = decision.action === 'http' ? decision.reason : 'no-peers';
      const http = await this.fromHttpUnlessHolder(request, assembly, failed, deadline);
      if (http.handedOver) {
        handedOver = { httpReason, http: http.transfer };
        continue;
      }
      return { httpReason, http: http.transfer };
    }
  }

  /**
   * Fetches the rest of a segment over HTTP; but when a holder turns up while much of it is
   * still to come (a neighbour connected a moment too late, or finished its own download), the
   * HTTP transfer stops and the load goes on from that peer where HTTP left off, which spares
   * the origin the rest (`handedOver`). See {@link worthHandingOver} for when.
   */
  private async fromHttpUnlessHolder(
    request: SegmentRequest,
    assembly: Assembly,
    failed: ReadonlySet<string>,
    deadline: number,
  ): Promise<{ transfer: HttpTransfer; handedOver: boolean }> {
    const { sequence } = request;
    const stop = new AbortController();
    const onOuterAbort = () => stop.abort();
    request.signal?.addEventListener('abort', onOuterAbort, { once: true });
    const transfer: HttpTransfer = { startedAt: 0, firstByteAt: 0, endedAt: 0, loaded: 0 };
    let handedOver = false;
    const consider = () => {
      if (handedOver || !this.worthHandingOver(request, assembly, transfer, failed, deadline)) {
        return;
      }
      handedOver = true;
      stop.abort();
    };
    const offState = this.swarm.on('peer-state', (event) => {
      if (event.sequence === undefined || event.sequence === sequence) consider();
    });
    const offConnect = this.swarm.on('peer-connect', consider);
    try {
      await this.fromHttp({ ...request, signal: stop.signal }, assembly, transfer);
      return { transfer, handedOver: false };
    } catch (error) {
      if (!handedOver || request.signal?.aborted) throw error;
      transfer.endedAt = performance.now();
      debug('#%d: HTTP handed over to a holder after %d bytes', sequence, assembly.received);
      return { transfer, handedOver: true };
    } finally {
      offState();
      offConnect();
      request.signal?.removeEventListener('abort', onOuterAbort);
    }
  }

  /**
   * Whether to hand an HTTP transfer in progress over to a holder: one not yet failed for this
   * load is connected, at least `HANDOVER_MIN_REST` of the body is still to come, and should the
   * peer fail, HTTP could still fetch that rest with half the deadline margin to spare. (The
   * scheduler starts HTTP with the whole margin to spare, so a transfer it started at its
   * deadline could never be handed over at the full margin.) A peer that falls behind is given
   * up at the transfer's first check, `WATCHDOG_MS` in (see `fromPeer`).
   */
  private worthHandingOver(
    request: SegmentRequest,
    assembly: Assembly,
    transfer: HttpTransfer,
    failed: ReadonlySet<string>,
    deadline: number,
  ): boolean {
    if (!pickHolder(this.swarm.connected(), request.sequence, failed)) return false;
    const rest = restToCome(
      request,
      assembly,
      transfer,
      this.services.http.segmentSize(this.swarm.key),
    );
    if (rest < HANDOVER_MIN_REST) return false;
    const httpRestEnd = performance.now() + WATCHDOG_MS + this.estimatedHttpMs() * rest;
    return httpRestEnd <= deadline - this.services.config.deadlineMarginMs / 2;
  }

  /**
   * Whether a holder not yet failed for this load is connected, and there is still time to try
   * it: the same rule that abandons a peer transfer before its first byte (`p2pFallsBehind`).
   */
  private otherHolderInTime(sequence: number, failed: ReadonlySet<string>, deadline: number) {
    if (!pickHolder(this.swarm.connected(), sequence, failed)) return false;
    const now = performance.now();
    return !p2pFallsBehind({
      now,
      startedAt: now,
      received: 0,
      total: undefined,
      deadline,
      deadlineMarginMs: this.services.config.deadlineMarginMs,
      estimatedHttpMs: this.estimatedHttpMs(),
    });
  }

  /**
   * Until when neighbours may still turn up in this swarm: `neighbourSettleMs` after it was
   * joined (or connections opened, if later), while the tracker's answer, a connection or a
   * peer's first `have` is on its way. 0 once they settled, or while connections are deferred.
   */
  private neighboursSettleBy(): number {
    const openedAt = this.services.connectionsOpenedAt();
    if (openedAt === undefined || !this.swarm.unsettled()) return 0;
    return Math.max(openedAt, this.swarm.createdAt) + this.services.config.neighbourSettleMs;
  }

  /**
   * Checks bytes that came from peers against the segment's root, waiting for it only as long
   * as an HTTP refetch could still make the deadline. Bytes that do not match (or whose root
   * stays unknown, unless `acceptUnverified`) are replaced by HTTP's.
   */
  private async check(
    request: SegmentRequest,
    assembly: Assembly,
    deadline: number,
    delivery: Delivery,
  ): Promise<Delivery> {
    const { config } = this.services;
    const { sequence } = request;
    const rootWaitMs = Math.max(
      0,
      Math.min(
        config.rootWaitMs,
        deadline - performance.now() - config.deadlineMarginMs - this.estimatedHttpMs(),
      ),
    );
    const rendition = this.swarm.rendition;
    const verification = await this.services.verify(
      rendition,
      sequence,
      delivery.bytes,
      rootWaitMs,
    );
    checkAbort(request.signal);
    const refetched = { uploader: undefined, root: undefined, verified: false } as const;
    if (
      verification.status === 'unknown' &&
      !config.acceptUnverified &&
      rootWaitMs < config.rootWaitMs
    ) {
      const late = await this.refetchUnlessRootArrives(request, delivery.bytes, delivery.uploader);
      if (late.status === 'ok') {
        return { ...delivery, root: late.root, verified: late.root !== undefined };
      }
      assembly.reset();
      assembly.add(late.bytes, 'http');
      return {
        ...refetched,
        bytes: late.bytes,
        httpReason: 'verification-failed',
        http: late.transfer,
      };
    }
    if (verification.status === 'ok') {
      return { ...delivery, root: verification.root, verified: verification.root !== undefined };
    }
    if (verification.status === 'unknown' && config.acceptUnverified) {
      this.services.report({ type: 'unverified', rendition, sequence });
      return delivery;
    }
    // Only a peer that sent every byte is surely the culprit; a mix is just refetched.
    if (verification.status === 'mismatch' && delivery.uploader) {
      this.services.report({
        type: 'integrity-failure',
        peerId: delivery.uploader,
        rendition,
        sequence,
      });
    } else if (verification.status === 'unknown') {
      this.services.report({ type: 'unverified', rendition, sequence });
    }
    assembly.reset();
    const http = await this.fromHttp(request, assembly);
    return { ...refetched, bytes: assembly.bytes(), httpReason: 'verification-failed', http };
  }

  /**
   * Peers' bytes whose root was not indexed within the time the deadline left: fetch the
   * segment over HTTP, as playback needs it, and meanwhile keep waiting for the root (up to
   * `rootWaitMs`). A fresh live segment reaches the indexer about when it reaches the first
   * viewers, so its root often comes moments later; if the peers' bytes match it before the
   * HTTP transfer ends, that transfer is cancelled and they are used. HTTP runs at full speed
   * throughout: the wait never delays playback.
   */
  private async refetchUnlessRootArrives(
    request: SegmentRequest,
    peerBytes: Uint8Array,
    uploader: string | undefined,
  ): Promise<LateRoot> {
    const { rendition } = this.swarm;
    const { sequence } = request;
    const refetch = new AbortController();
    const onOuterAbort = () => refetch.abort();
    request.signal?.addEventListener('abort', onOuterAbort, { once: true });
    const lateCheck = this.services
      .verify(rendition, sequence, peerBytes, this.services.config.rootWaitMs)
      .then((verification) => {
        if (verification.status === 'mismatch' && uploader) {
          this.services.report({
            type: 'integrity-failure',
            peerId: uploader,
            rendition,
            sequence,
          });
        }
        return verification;
      })
      .catch((): Verification => ({ status: 'unknown' }));
    const assembly = new Assembly();
    const http = this.fromHttp({ ...request, signal: refetch.signal }, assembly).then(
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
        if (verification.status === 'unknown') {
          this.services.report({ type: 'unverified', rendition, sequence });
        }
      });
      return first;
    } finally {
      request.signal?.removeEventListener('abort', onOuterAbort);
    }
  }

  /** Fetches the rest of a segment over HTTP and feeds the estimator its timing. */
  private async fromHttp(
    request: SegmentRequest,
    assembly: Assembly,
    transfer?: HttpTransfer,
  ): Promise<HttpTransfer> {
    const { transfer: used, fetched } = await fromHttp(
      request,
      assembly,
      (bytes) => this.services.report({ type: 'bytes', from: 'http', bytes }),
      transfer,
    );
    this.services.http.record(
      this.swarm.key,
      fetched.bodyBytes,
      fetched.endedAt - fetched.startedAt,
      fetched.firstByteAt - fetched.startedAt,
    );
    return used;
  }

  private estimatedHttpMs(): number {
    return this.services.http.estimateMs(this.swarm.key);
  }

  /**
   * Announces that a segment is on its way to us (true): we download it, over HTTP or from a
   * peer, or wait for a peer that does; or that we gave up on it (false).
   */
  private claim(sequence: number, claimed: boolean): void {
    if (claimed) this.claims.add(sequence);
    else this.claims.delete(sequence);
    this.services.announce(this.swarm.key, sequence, claimed ? 'fetching' : 'dropped');
  }

  /** Stores a delivered segment so peers can get it from us. */
  private complete(sequence: number, bytes: Uint8Array): void {
    const { store } = this.services;
    store.put(this.swarm.key, sequence, bytes);
    if (this.claims.delete(sequence) && !store.has(this.swarm.key, sequence)) {
      // Too large to keep: tell peers waiting on our download not to.
      this.services.announce(this.swarm.key, sequence, 'dropped');
    }
  }
}

/** How {@link SegmentLoader.refetchUnlessRootArrives} ended: the peers' bytes, or HTTP's. */
type LateRoot =
  | { status: 'ok'; root: string | undefined }
  | { status: 'http'; bytes: Uint8Array; transfer: HttpTransfer };

/**
 * The part of a segment still to come over HTTP, 0 to 1: of its byte range when it has one (an
 * origin that ignores `Range` sends the whole resource, whose length says nothing of the
 * segment's); else of the body the response announced; else of the swarm's usual segment size.
 */
function restToCome(
  request: SegmentRequest,
  assembly: Assembly,
  transfer: HttpTransfer,
  usualSize: number | undefined,
): number {
  const { range } = request;
  if (range) return Math.max(0, 1 - assembly.received / (range.end - range.start));
  const length = transfer.bodyLength ?? usualSize;
  return length === undefined ? 1 : Math.max(0, 1 - transfer.loaded / length);
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SdkError(SdkErrorCode.Aborted, 'segment load aborted');
}

function cacheHit(bytes: Uint8Array, startedAt: number): SegmentResult {
  const now = performance.now();
  return {
    bytes,
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
