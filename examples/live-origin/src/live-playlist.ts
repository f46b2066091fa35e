/**
 * Renders live playlists as text. Pure: the caller supplies the window and the wall-clock epoch.
 */
import type { ConcatenatedStream } from './concatenated-stream.js';
import { INIT_SEGMENT_NAME, SEGMENT_EXTENSION, type FixtureFormat } from './container.js';
import type { LiveWindow, LiveWindowSegment } from './live-timeline.js';
import { mapPlaylistUris, parseMasterPlaylist, withClientQuery } from './m3u8.js';
import { renderMediaPlaylist, type PlaylistSegment } from './media-playlist.js';

/** What {@link renderLiveMediaPlaylist} needs besides the window. */
export interface LiveMediaPlaylistInput {
  readonly window: LiveWindow;
  /** `#EXT-X-TARGETDURATION` in whole seconds. */
  readonly targetDurationS: number;
  /** Wall-clock time of the stream epoch (ms), for `#EXT-X-PROGRAM-DATE-TIME`. */
  readonly epochMs: number;
  /** Segment names (`seq-N.ts` or `seq-N.m4s`); fMP4 adds `#EXT-X-MAP:URI="init.mp4"`. */
  readonly format: FixtureFormat;
  /** `#EXT-X-VERSION` of the fixture's media playlist (raised to 4 for byte ranges). */
  readonly version: number;
  /**
   * With `byteRanges`: segment N is the range of fixture segment `N mod count` in this file,
   * instead of its own `seq-N` file.
   */
  readonly stream?: Pick<ConcatenatedStream, 'fileName' | 'ranges'> | undefined;
  /** Client id to append to each URI, so a plain player is attributed throughout. */
  readonly client?: string | undefined;
}

/** The file name a live segment is addressed by: `seq-<N>.ts`, or `seq-<N>.m4s` for fMP4. */
export function liveSegmentName(sequence: number, format: FixtureFormat = 'ts'): string {
  return `seq-${sequence}.${SEGMENT_EXTENSION[format]}`;
}

function address(
  segment: LiveWindowSegment,
  input: LiveMediaPlaylistInput,
): Pick<PlaylistSegment, 'uri' | 'byteRange'> {
  const { stream } = input;
  if (stream === undefined) return { uri: liveSegmentName(segment.sequence, input.format) };
  const byteRange = stream.ranges[segment.fixtureIndex];
  if (byteRange === undefined) {
    throw new RangeError(`no byte range for fixture segment ${segment.fixtureIndex}`);
  }
  return { uri: stream.fileName, byteRange };
}

/**
 * A sliding-window live media playlist: no `#EXT-X-ENDLIST`, a `#EXT-X-DISCONTINUITY` before
 * the first segment of each loop, and a `#EXT-X-PROGRAM-DATE-TIME` on every segment. For fMP4
 * one `#EXT-X-MAP` names the init segment, which is the same in every loop.
 *
 * @example
 * renderLiveMediaPlaylist({
 *   window: liveWindow(t, elapsed, 6), targetDurationS: 4, epochMs, format: 'fmp4', version: 7,
 * });
 */
export function renderLiveMediaPlaylist(input: LiveMediaPlaylistInput): string {
  const { window } = input;
  return renderMediaPlaylist({
    version: input.version,
    targetDurationS: input.targetDurationS,
    mediaSequence: window.mediaSequence,
    discontinuitySequence: window.discontinuitySequence,
    vod: false,
    mapUri: input.format === 'fmp4' ? INIT_SEGMENT_NAME : undefined,
    segments: window.segments.map((segment) => ({
      ...address(segment, input),
      durationMs: segment.durationMs,
      discontinuity: segment.discontinuity,
      programDateTimeMs: input.epochMs + segment.startMs,
    })),
    client: input.client,
  });
}

/**
 * The live master playlist: the fixture master with each variant pointing at
 * `<rendition>/index.m3u8` (relative, so it resolves under `/live/`).
 */
export function renderLiveMasterPlaylist(
  masterText: string,
  renditionNames: ReadonlyMap<string, string>,
  client?: string,
): string {
  const known = new Set(parseMasterPlaylist(masterText).map((v) => v.uri));
  return mapPlaylistUris(masterText, (uri) => {
    const name = known.has(uri) ? renditionNames.get(uri) : undefined;
    const live = name === undefined ? uri : `${name}/index.m3u8`;
    return client === undefined ? live : withClientQuery(live, client);
  });
}
