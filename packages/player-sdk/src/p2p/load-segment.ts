/**
 * What one segment load is asked and answers: the engine's `loadSegment` and the hls.js loader
 * speak these types; a swarm's `SegmentLoader` does the work.
 */
import type { ByteRange } from './http-fetch.js';
import type { SchedulerDecision } from './scheduler.js';

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
  /** The body's length as the response announced it (`Content-Length`), once known. */
  bodyLength?: number | undefined;
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
