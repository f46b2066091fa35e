/**
 * Reading playlists in the integration tests: just enough M3U8 to assert on what the origin
 * serves, without trusting the origin's own parser.
 */

/** The URI lines (not tags, not blank), in order. */
export function uriLines(playlist: string): string[] {
  return playlist.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

/** The value of the first `#<tag>:` line, e.g. `tagValue(text, 'EXT-X-MEDIA-SEQUENCE')`. */
export function tagValue(playlist: string, tag: string): string | undefined {
  const prefix = `#${tag}:`;
  return playlist
    .split('\n')
    .find((l) => l.startsWith(prefix))
    ?.slice(prefix.length);
}

/** `#EXT-X-MEDIA-SEQUENCE` as a number. */
export function mediaSequence(playlist: string): number {
  return Number(tagValue(playlist, 'EXT-X-MEDIA-SEQUENCE'));
}

/** One segment of a media playlist with what the tests look at. */
export interface ListedSegment {
  readonly uri: string;
  readonly duration: number;
  /** From `#EXT-X-BYTERANGE:<length>@<offset>` (the origin always writes the offset). */
  readonly byteRange: { readonly length: number; readonly offset: number } | undefined;
  readonly discontinuity: boolean;
}

/** The segments of a media playlist, in order. */
export function listedSegments(playlist: string): ListedSegment[] {
  const segments: ListedSegment[] = [];
  let duration = Number.NaN;
  let byteRange: ListedSegment['byteRange'];
  let discontinuity = false;
  for (const line of playlist.split('\n')) {
    if (line.startsWith('#EXTINF:')) duration = Number.parseFloat(line.slice(8));
    else if (line === '#EXT-X-DISCONTINUITY') discontinuity = true;
    else if (line.startsWith('#EXT-X-BYTERANGE:')) {
      const match = /^#EXT-X-BYTERANGE:(\d+)@(\d+)$/.exec(line);
      if (match === null) throw new Error(`byte range without an explicit offset: ${line}`);
      byteRange = { length: Number(match[1]), offset: Number(match[2]) };
    } else if (line !== '' && !line.startsWith('#')) {
      segments.push({ uri: line, duration, byteRange, discontinuity });
      duration = Number.NaN;
      byteRange = undefined;
      discontinuity = false;
    }
  }
  return segments;
}

/** `bytes=a-b` for a byte range. */
export function rangeHeader(range: { length: number; offset: number }): string {
  return `bytes=${range.offset}-${range.offset + range.length - 1}`;
}
