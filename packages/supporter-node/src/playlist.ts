/**
 * What a supporter reads from playlists on top of `@streamrp2p/protocol`'s parser: how long a
 * segment stays in the live window.
 */
import type { MediaPlaylist } from '@streamrp2p/protocol';

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
