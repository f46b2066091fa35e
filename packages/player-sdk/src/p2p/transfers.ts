import { SdkError, SdkErrorCode } from '../errors.js';
import type { Assembly } from './assembly.js';
import { httpFetch, type HttpFetchResult } from './http-fetch.js';
import type { HttpTransfer, SegmentRequest } from './load-segment.js';
import type { PeerConnection } from './peer-connection.js';
import { p2pFallsBehind } from './scheduler.js';

/** How often a peer transfer is checked against its deadline. */
export const WATCHDOG_MS = 200;

/** What a peer transfer is held to, and where its bytes are counted. */
export interface PeerTransferLimits {
  /** When playback needs the segment (`performance.now()` clock). */
  deadline: number;
  deadlineMarginMs: number;
  /** Read at each check: the estimate improves as HTTP transfers finish. */
  estimatedHttpMs(): number;
  /** Counts bytes as they arrive, so aborted transfers are in the totals too. */
  count(bytes: number): void;
}

/**
 * Downloads the rest of a segment from one peer, abandoning it (`P2P_TOO_SLOW`) when it falls
 * behind the deadline. The outcome goes into the peer's score; an abort by the request's own
 * signal is not the peer's failure.
 */
export async function fromPeer(
  peer: PeerConnection,
  request: SegmentRequest,
  assembly: Assembly,
  limits: PeerTransferLimits,
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
      deadline: limits.deadline,
      deadlineMarginMs: limits.deadlineMarginMs,
      estimatedHttpMs: limits.estimatedHttpMs(),
    });
    if (behind) {
      tooSlow = true;
      controller.abort();
    }
  }, WATCHDOG_MS);
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
          limits.count(bytes.byteLength);
          assembly.add(bytes, 'p2p', peer.peerId);
          assembly.p2pLastByteAt = performance.now();
        },
      },
      controller.signal,
    );
    peer.score.recordSuccess(assembly.received - startReceived, performance.now() - startedAt);
  } catch (error) {
    if (!request.signal?.aborted) peer.score.recordFailure();
    if (tooSlow)
      throw new SdkError(SdkErrorCode.P2PTooSlow, 'P2P download fell behind its deadline');
    throw error;
  } finally {
    clearInterval(watchdog);
    request.signal?.removeEventListener('abort', onOuterAbort);
  }
}

/**
 * Fetches the rest of a segment over HTTP, resuming after what peers delivered. Its bytes go
 * into `assembly` as they arrive, so a transfer aborted part-way (its rest handed to a peer)
 * leaves what it got there, and `transfer` (the caller's, or a new one) says how it went.
 */
export async function fromHttp(
  request: SegmentRequest,
  assembly: Assembly,
  count: (bytes: number) => void,
  transfer: HttpTransfer = { startedAt: 0, firstByteAt: 0, endedAt: 0, loaded: 0 },
): Promise<{ transfer: HttpTransfer; fetched: HttpFetchResult }> {
  const fetched = await httpFetch(request.url, {
    range: request.range,
    offset: assembly.received,
    signal: request.signal,
    onStart: (at) => {
      transfer.startedAt = at;
      request.onHttpProgress?.(transfer);
    },
    onResponse: (bodyLength) => (transfer.bodyLength = bodyLength),
    onChunk: (bytes) => {
      count(bytes.byteLength);
      transfer.firstByteAt ||= performance.now();
      transfer.loaded += bytes.byteLength;
      request.onHttpProgress?.(transfer);
    },
    onData: (bytes) => assembly.add(bytes, 'http'),
  });
  assembly.total = assembly.received;
  transfer.firstByteAt = fetched.firstByteAt;
  transfer.endedAt = fetched.endedAt;
  return { transfer, fetched };
}
