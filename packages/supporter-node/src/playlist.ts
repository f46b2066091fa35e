/** Minimal HLS playlist reading: what a supporter needs to follow a live stream. */

/** One segment of a media playlist, with its absolute URL. */
export interface MediaSegment {
  sequence: number;
  url: string;
  /** Seconds. */
  duration: number;
}

/** A parsed media playlist. */
export interface MediaPlaylist {
  segments: MediaSegment[];
  /** `#EXT-X-ENDLIST`: the stream ended (or is VOD). */
  ended: boolean;
  /** `#EXT-X-TARGETDURATION` in seconds (2 when absent). */
  targetDuration: number;
}

const uriLines = (text: string): string[] =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

/**
 * The media playlist URLs a master playlist names, absolute. A media playlist given where a
 * master was expected is returned as its own only rendition.
 *
 * @example
 * parseMasterPlaylist('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n360p/index.m3u8', base);
 */
export function parseMasterPlaylist(text: string, url: string): string[] {
  if (!text.trimStart().startsWith('#EXTM3U')) throw new Error(`${url} is not an HLS playlist`);
  if (!text.includes('#EXT-X-STREAM-INF')) return [url];
  return [...new Set(uriLines(text).map((line) => new URL(line, url).toString()))];
}

/** Segments of a media playlist with their sequence numbers and absolute URLs. */
export function parseMediaPlaylist(text: string, url: string): MediaPlaylist {
  if (!text.trimStart().startsWith('#EXTM3U')) throw new Error(`${url} is not an HLS playlist`);
  let sequence = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? 0);
  const segments: MediaSegment[] = [];
  let duration = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXTINF:')) duration = parseFloat(line.slice(8));
    else if (line !== '' && !line.startsWith('#')) {
      segments.push({ sequence, url: new URL(line, url).toString(), duration });
      sequence += 1;
    }
  }
  return {
    segments,
    ended: /#EXT-X-ENDLIST/.test(text),
    targetDuration: Number(/#EXT-X-TARGETDURATION:(\d+(?:\.\d+)?)/.exec(text)?.[1] ?? 2),
  };
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
