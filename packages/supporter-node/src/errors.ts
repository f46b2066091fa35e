/** Error codes of the supporter node. */
export const SupporterErrorCode = {
  /** A bad option; the message says which and why. */
  InvalidConfig: 'INVALID_CONFIG',
  /** The master or a media playlist could not be fetched or read. */
  PlaylistFailed: 'PLAYLIST_FAILED',
  /** A segment could not be delivered (the origin failed too). */
  SegmentFailed: 'SEGMENT_FAILED',
  /** Something the engine reported (P2P or tracker trouble); the node keeps running. */
  Engine: 'ENGINE',
} as const;

export type SupporterErrorCode = (typeof SupporterErrorCode)[keyof typeof SupporterErrorCode];

/** The one error class of `@streamrp2p/supporter-node`. */
export class SupporterError extends Error {
  constructor(
    readonly code: SupporterErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SupporterError';
  }
}
