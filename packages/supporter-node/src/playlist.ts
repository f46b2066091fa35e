/**
 * What a supporter reads from playlists, on top of `@streamrp2p/protocol`'s parser: the
 * renditions to follow, and how long a segment stays in the live window.
 */
import { parsePlaylist, type MediaPlaylist } from '@streamrp2p/protocol';

/**
 * The media playlist URLs a master playlist names, absolute. A media playlist given where a
 * master was expected is returned as its own only rendition.
 *
 * @example
 * parseMasterPlaylist('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n360p/index.m3u8', base);
 */
export function parseMasterPlaylist(text: string, url: string): string[] {
  const parsed = parsePlaylist(text, url);
  return parsed.kind === 'master' ? parsed.variants.map((variant) => variant.url) : [url];
}

/**
 * How long a segment stays listed in a live playlist: the durations of the segments up to and
 * including it, since each new segment pushes the oldest one out. A supporter can take that
 * long to fetch it and still serve it to viewers who start `sequence`'s window later.
 */
export function remainingWindowMs(playlist: MediaPlaylist, sequence: number): number {
  let ms = 0;
  for (const segment of playlist.segments) {
    ms += segment.duration * 1000;
    if (segment.sequence === sequence) break;
  }
  return Math.round(ms);
}
