/**
 * The two container formats the origin serves, and what follows from each: how live segments
 * are named and which Content-Type a file is sent with.
 */

/** MPEG-TS segments, or fragmented MP4 segments with an init segment (`#EXT-X-MAP`). */
export type FixtureFormat = 'ts' | 'fmp4';

/** Every {@link FixtureFormat}, for validation and help texts. */
export const FIXTURE_FORMATS: readonly FixtureFormat[] = Object.freeze(['ts', 'fmp4']);

/** Extension (without the dot) of media segments of each format, live and concatenated. */
export const SEGMENT_EXTENSION: Readonly<Record<FixtureFormat, string>> = Object.freeze({
  ts: 'ts',
  fmp4: 'm4s',
});

/** Name of an fMP4 rendition's init segment under `/live/<rendition>/`. */
export const INIT_SEGMENT_NAME = 'init.mp4';

export const PLAYLIST_TYPE = 'application/vnd.apple.mpegurl';

/** By file extension: what HLS players and CDNs send for each kind of file. */
const CONTENT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  m3u8: PLAYLIST_TYPE,
  ts: 'video/mp2t',
  // The IANA type for ISO BMFF media segments; init segments are plain MP4 files.
  m4s: 'video/iso.segment',
  mp4: 'video/mp4',
});

/** Content-Type of a served file, from its extension. */
export function contentTypeFor(path: string): string {
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase() ?? '';
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}
