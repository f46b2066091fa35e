/** Error codes of the player SDK. */
export const SdkErrorCode = {
  InvalidConfig: 'INVALID_CONFIG',
  /** The browser can play this stream neither with hls.js nor natively. */
  Unsupported: 'UNSUPPORTED',
  TrackerUnavailable: 'TRACKER_UNAVAILABLE',
  TrackerRejected: 'TRACKER_REJECTED',
  PeerProtocol: 'PEER_PROTOCOL',
  PeerTimeout: 'PEER_TIMEOUT',
  PeerAbsent: 'PEER_ABSENT',
  PeerClosed: 'PEER_CLOSED',
  P2PTooSlow: 'P2P_TOO_SLOW',
  HttpFailed: 'HTTP_FAILED',
  IntegrityFailed: 'INTEGRITY_FAILED',
  /** No root was indexed for a segment from peers in time: it was fetched over HTTP instead. */
  IntegrityUnknown: 'INTEGRITY_UNKNOWN',
  /** Network failure, timeout, 5xx or 429 from the coordinator: retried later. */
  CoordinatorUnavailable: 'COORDINATOR_UNAVAILABLE',
  /** The coordinator answered 4xx: the same request would fail again. */
  CoordinatorRejected: 'COORDINATOR_REJECTED',
  /**
   * The player's P2P part (loaded after the first frame, decision 60) could not be loaded or
   * started: the player plays on over HTTP alone.
   */
  P2PUnavailable: 'P2P_UNAVAILABLE',
  Aborted: 'ABORTED',
  Destroyed: 'DESTROYED',
} as const;
export type SdkErrorCode = (typeof SdkErrorCode)[keyof typeof SdkErrorCode];

/** The one error class of the SDK: `code` says what went wrong, `fatal` whether playback is affected. */
export class SdkError extends Error {
  override readonly name = 'SdkError';
  constructor(
    readonly code: SdkErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Whether `error` is an abort (ours or the platform's). */
export function isAbort(error: unknown): boolean {
  return (
    (error instanceof SdkError && error.code === SdkErrorCode.Aborted) ||
    (error instanceof Error && error.name === 'AbortError')
  );
}
