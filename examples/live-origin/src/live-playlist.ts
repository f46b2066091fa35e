/**
 * Renders live playlists as text. Pure: the caller supplies the window and the wall-clock epoch.
 */
import type { LiveWindow } from './live-timeline.js';
import { mapPlaylistUris, parseMasterPlaylist, withClientQuery } from './m3u8.js';

/** What {@link renderLiveMediaPlaylist} needs besides the window. */
export interface LiveMediaPlaylistInput {
  readonly window: LiveWindow;
  /** `#EXT-X-TARGETDURATION` in whole seconds. */
  readonly targetDurationS: number;
  /** Wall-clock time of the stream epoch (ms), for `#EXT-X-PROGRAM-DATE-TIME`. */
  readonly epochMs: number;
  /** Client id to append to each segment URI, so a plain player is attributed throughout. */
  readonly client?: string;
}

/** The file name a live segment is addressed by. */
export function liveSegmentName(sequence: number): string {
  return `seq-${sequence}.ts`;
}

/** Smallest integer target duration that every segment rounds to or below (RFC 8216 4.3.3.1). */
export function targetDurationS(durationsMs: readonly number[]): number {
  return Math.max(1, ...durationsMs.map((d) => Math.round(d / 1000)));
}

/**
 * A sliding-window live media playlist: no `#EXT-X-ENDLIST`, a `#EXT-X-DISCONTINUITY` before
 * the first segment of each loop, and a `#EXT-X-PROGRAM-DATE-TIME` on every segment.
 *
 * @example
 * renderLiveMediaPlaylist({ window: liveWindow(t, elapsed, 6), targetDurationS: 2, epochMs });
 */
export function renderLiveMediaPlaylist(input: LiveMediaPlaylistInput): string {
  const { window, client } = input;
  const out = [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    `#EXT-X-TARGETDURATION:${input.targetDurationS}`,
    `#EXT-X-MEDIA-SEQUENCE:${window.mediaSequence}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${window.discontinuitySequence}`,
  ];
  for (const segment of window.segments) {
    if (segment.discontinuity) out.push('#EXT-X-DISCONTINUITY');
    out.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(input.epochMs + segment.startMs).toISOString()}`);
    out.push(`#EXTINF:${(segment.durationMs / 1000).toFixed(3)},`);
    const uri = liveSegmentName(segment.sequence);
    out.push(client === undefined ? uri : withClientQuery(uri, client));
  }
  return `${out.join('\n')}\n`;
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
