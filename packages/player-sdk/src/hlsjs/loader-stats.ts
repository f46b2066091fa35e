import type { HlsProgressivePerformanceTiming, LoaderStats } from 'hls.js';
import type { HttpTransfer, SegmentResult } from '../p2p/load-segment.js';

/**
 * The rate hls.js' ABR should believe for bytes that did not cross the origin path (from peers
 * or from our store): what HTTP delivers to this viewer now.
 */
export interface ReferenceRate {
  bitsPerSecond: number;
  ttfbMs: number;
}

export function emptyStats(): LoaderStats {
  return {
    aborted: false,
    loaded: 0,
    retry: 0,
    total: 0,
    chunkCount: 0,
    bwEstimate: 0,
    loading: { start: 0, first: 0, end: 0 },
    parsing: { start: 0, end: 0 },
    buffering: { start: 0, first: 0, end: 0 },
  };
}

/**
 * Loading times while the engine waits for peers or takes bytes from them: to hls.js the load
 * starts whenever it looks. Its emergency down-switch watches a load's elapsed time, and would
 * abort a peer transfer (and reset its bandwidth estimate) for a wait the scheduler already
 * bounds by the playback deadline.
 */
export function notStartedTiming(): HlsProgressivePerformanceTiming {
  return {
    get start() {
      return performance.now();
    },
    first: 0,
    end: 0,
  };
}

/** Loading times of an HTTP transfer in progress: exactly what hls.js' own loader reports. */
export function httpTiming(transfer: HttpTransfer): HlsProgressivePerformanceTiming {
  return { start: transfer.startedAt, first: transfer.firstByteAt, end: transfer.endedAt };
}

/**
 * Loading times of a delivered segment, ending `now`, from which hls.js samples bandwidth
 * (bytes / (end - first)) and time to first byte (first - start):
 * - bytes that came over HTTP count with their real transfer time;
 * - bytes from peers or the store count as if they had come at `reference`, the rate HTTP
 *   gives this viewer now. A peer's speed says nothing of the origin's, a cache hit takes 0 ms,
 *   and a wait for a peer is not network time: none of them may move the estimate.
 */
export function deliveredTiming(
  result: Pick<SegmentResult, 'bytes' | 'http' | 'source' | 'p2pBytes'>,
  reference: ReferenceRate,
  now: number,
): HlsProgressivePerformanceTiming {
  const otherBytes = result.source === 'cache' ? result.bytes.byteLength : result.p2pBytes;
  const otherMs = (otherBytes * 8000) / reference.bitsPerSecond;
  const http = result.http;
  const transferMs = http ? http.endedAt - http.firstByteAt : 0;
  const ttfbMs = http ? http.firstByteAt - http.startedAt : reference.ttfbMs;
  const first = now - transferMs - otherMs;
  return { start: first - ttfbMs, first, end: now };
}
