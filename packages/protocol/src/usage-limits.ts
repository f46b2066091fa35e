/**
 * Bounds of a usage report (decision 33), shared by the coordinator's validation and the SDK,
 * which clamps its reports to them. Plain numbers: the SDK bundle gains no schema code.
 */

/** A usage report covers at most this many seconds (the SDK reports about every 30 s). */
export const MAX_USAGE_SECONDS = 300;
/**
 * Physical bound of a usage report: bytes (HTTP or P2P) per second it covers, 12.5 MB/s
 * (100 Mbit/s, about ten times a 4K rendition's bitrate).
 */
export const MAX_USAGE_BYTES_PER_SECOND = 12_500_000;
/** At most this many segments per second a report covers (LL-HLS parts are 0.2 s or longer). */
export const MAX_USAGE_SEGMENTS_PER_SECOND = 10;
