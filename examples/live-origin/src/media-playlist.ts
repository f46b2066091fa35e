/**
 * Writes media playlists. Pure formatting: the live and VOD playlists decide what to list, this
 * decides how it is written, so both write the same tags the same way.
 */
import { withClientQuery } from './m3u8.js';

/** A part of a file, as `#EXT-X-BYTERANGE:<length>@<offset>` writes it. */
export interface ByteRangeSpec {
  readonly length: number;
  /** First byte, from the start of the file. */
  readonly offset: number;
}

/** One segment of a media playlist. */
export interface PlaylistSegment {
  readonly uri: string;
  readonly durationMs: number;
  /** When set, the segment is this range of `uri` (`#EXT-X-BYTERANGE`, always with `@offset`). */
  readonly byteRange?: ByteRangeSpec | undefined;
  /** Writes `#EXT-X-DISCONTINUITY` before the segment. */
  readonly discontinuity?: boolean;
  /** Writes `#EXT-X-PROGRAM-DATE-TIME` with this wall-clock time (ms since the Unix epoch). */
  readonly programDateTimeMs?: number;
}

/** Everything a media playlist says. */
export interface MediaPlaylistSpec {
  /** `#EXT-X-VERSION` wanted; raised to what the tags used need (see {@link requiredVersion}). */
  readonly version: number;
  readonly targetDurationS: number;
  readonly mediaSequence: number;
  /** `#EXT-X-DISCONTINUITY-SEQUENCE`, written when set (live playlists). */
  readonly discontinuitySequence?: number;
  /** A VOD playlist: `#EXT-X-PLAYLIST-TYPE:VOD` and `#EXT-X-ENDLIST`. Otherwise live: neither. */
  readonly vod: boolean;
  /** `#EXT-X-MAP:URI="..."` for fMP4: one init segment for every segment of the playlist. */
  readonly mapUri?: string | undefined;
  readonly segments: readonly PlaylistSegment[];
  /** Appended as `?client=` to every URI (segments and map), so a plain player is attributed. */
  readonly client?: string | undefined;
}

/** Smallest integer target duration that every segment rounds to or below (RFC 8216 4.3.3.1). */
export function targetDurationS(durationsMs: readonly number[]): number {
  return Math.max(1, ...durationsMs.map((d) => Math.round(d / 1000)));
}

/**
 * The lowest `#EXT-X-VERSION` that allows the playlist's tags (RFC 8216 7): byte ranges need 4,
 * an init segment in a playlist that is not I-frames-only needs 6.
 */
export function requiredVersion(spec: Pick<MediaPlaylistSpec, 'mapUri' | 'segments'>): number {
  if (spec.mapUri !== undefined) return 6;
  return spec.segments.some((s) => s.byteRange !== undefined) ? 4 : 1;
}

/**
 * Renders `spec` as M3U8 text ending with a newline.
 *
 * @example
 * renderMediaPlaylist({
 *   version: 7, targetDurationS: 4, mediaSequence: 0, vod: true, mapUri: 'init.mp4',
 *   segments: [{ uri: 'stream.m4s', durationMs: 4000, byteRange: { length: 9000, offset: 0 } }],
 * });
 */
export function renderMediaPlaylist(spec: MediaPlaylistSpec): string {
  const { client } = spec;
  const uri = (value: string): string =>
    client === undefined ? value : withClientQuery(value, client);
  const out = [
    '#EXTM3U',
    `#EXT-X-VERSION:${Math.max(spec.version, requiredVersion(spec))}`,
    `#EXT-X-TARGETDURATION:${spec.targetDurationS}`,
    `#EXT-X-MEDIA-SEQUENCE:${spec.mediaSequence}`,
  ];
  if (spec.discontinuitySequence !== undefined) {
    out.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${spec.discontinuitySequence}`);
  }
  if (spec.vod) out.push('#EXT-X-PLAYLIST-TYPE:VOD');
  if (spec.mapUri !== undefined) out.push(`#EXT-X-MAP:URI="${uri(spec.mapUri)}"`);
  for (const segment of spec.segments) {
    if (segment.discontinuity === true) out.push('#EXT-X-DISCONTINUITY');
    if (segment.programDateTimeMs !== undefined) {
      out.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(segment.programDateTimeMs).toISOString()}`);
    }
    out.push(`#EXTINF:${(segment.durationMs / 1000).toFixed(3)},`);
    const range = segment.byteRange;
    if (range !== undefined) out.push(`#EXT-X-BYTERANGE:${range.length}@${range.offset}`);
    out.push(uri(segment.uri));
  }
  if (spec.vod) out.push('#EXT-X-ENDLIST');
  return `${out.join('\n')}\n`;
}
