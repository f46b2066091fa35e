/**
 * Reading HLS playlists as a client does: the renditions a master playlist points at, and the
 * segments of a media playlist with their media sequence numbers (a segment's identity in a
 * swarm and at the coordinator) and absolute URLs. One parser for every Node consumer: the
 * coordinator's indexer, supporter nodes, the simulator and the tests. (The live origin writes
 * playlists; it keeps its own reader of its fixture.)
 */

/** A rendition a master playlist points at. */
export interface PlaylistVariant {
  /** Absolute media playlist URL. */
  url: string;
}

/** One segment of a media playlist. */
export interface PlaylistSegment {
  /** `#EXT-X-MEDIA-SEQUENCE` + position in the playlist. */
  sequence: number;
  /** Absolute segment URL. */
  url: string;
  /** `#EXTINF` duration in seconds (0 when the tag is missing). */
  duration: number;
}

/** A parsed media playlist. */
export interface MediaPlaylist {
  /** `#EXT-X-TARGETDURATION` in seconds (0 when absent). */
  targetDuration: number;
  mediaSequence: number;
  /** `#EXT-X-ENDLIST`: the playlist will not change (VOD or an ended live stream). */
  ended: boolean;
  segments: PlaylistSegment[];
}

export type ParsedPlaylist =
  { kind: 'master'; variants: PlaylistVariant[] } | { kind: 'media'; playlist: MediaPlaylist };

/** Thrown for text that is not an HLS playlist, or one with a malformed required tag. */
export class PlaylistError extends Error {
  override readonly name = 'PlaylistError';
}

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

function attribute(line: string, name: string): string | undefined {
  return new RegExp(`[:,]${name}="([^"]*)"`).exec(line)?.[1];
}

/**
 * Parses a playlist fetched from `baseUrl`: a master when it has `#EXT-X-STREAM-INF` (variants
 * and `#EXT-X-MEDIA` URIs, absolute and deduplicated), else a media playlist.
 *
 * @example
 * const parsed = parsePlaylist(text, 'https://cdn.example.com/live/master.m3u8');
 * if (parsed.kind === 'media') console.log(parsed.playlist.segments.at(-1)?.sequence);
 */
export function parsePlaylist(text: string, baseUrl: string): ParsedPlaylist {
  const all = lines(text);
  if (all[0] !== '#EXTM3U') {
    throw new PlaylistError(`${baseUrl} is not an HLS playlist (no #EXTM3U)`);
  }
  if (all.some((l) => l.startsWith('#EXT-X-STREAM-INF'))) {
    return { kind: 'master', variants: parseVariants(all, baseUrl) };
  }
  return { kind: 'media', playlist: parseMedia(all, baseUrl) };
}

/** {@link parsePlaylist} for a playlist that must be a media playlist. */
export function parseMediaPlaylist(text: string, baseUrl: string): MediaPlaylist {
  const parsed = parsePlaylist(text, baseUrl);
  if (parsed.kind !== 'media') {
    throw new PlaylistError(`${baseUrl} is a master playlist, not a media playlist`);
  }
  return parsed.playlist;
}

/**
 * The media playlist URLs a stream's playlist stands for, absolute: a master's variants, or
 * the playlist itself when it is a media playlist (a stream of one rendition).
 *
 * @example
 * renditionUrls('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n360p/index.m3u8', base);
 */
export function renditionUrls(text: string, baseUrl: string): string[] {
  const parsed = parsePlaylist(text, baseUrl);
  return parsed.kind === 'master' ? parsed.variants.map((variant) => variant.url) : [baseUrl];
}

function parseVariants(all: string[], baseUrl: string): PlaylistVariant[] {
  const urls = new Set<string>();
  all.forEach((line, i) => {
    if (line.startsWith('#EXT-X-STREAM-INF')) {
      const uri = all.slice(i + 1).find((l) => !l.startsWith('#'));
      if (uri !== undefined) urls.add(new URL(uri, baseUrl).href);
    } else if (line.startsWith('#EXT-X-MEDIA:')) {
      const uri = attribute(line, 'URI');
      if (uri !== undefined) urls.add(new URL(uri, baseUrl).href);
    }
  });
  return [...urls].map((url) => ({ url }));
}

function parseMedia(all: string[], baseUrl: string): MediaPlaylist {
  let targetDuration = 0;
  let mediaSequence = 0;
  let ended = false;
  let duration = 0;
  const entries: { uri: string; duration: number }[] = [];
  for (const line of all) {
    if (line.startsWith('#EXT-X-TARGETDURATION:')) targetDuration = Number(line.slice(22));
    else if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) mediaSequence = Number(line.slice(22));
    else if (line.startsWith('#EXTINF:')) duration = Number.parseFloat(line.slice(8));
    else if (line === '#EXT-X-ENDLIST') ended = true;
    else if (!line.startsWith('#')) {
      entries.push({ uri: line, duration: Number.isFinite(duration) ? duration : 0 });
      duration = 0;
    }
  }
  if (!Number.isSafeInteger(mediaSequence) || mediaSequence < 0) {
    throw new PlaylistError(`${baseUrl}: bad #EXT-X-MEDIA-SEQUENCE`);
  }
  if (!Number.isFinite(targetDuration) || targetDuration < 0) {
    throw new PlaylistError(`${baseUrl}: bad #EXT-X-TARGETDURATION`);
  }
  const segments = entries.map((entry, i) => ({
    sequence: mediaSequence + i,
    url: new URL(entry.uri, baseUrl).href,
    duration: entry.duration,
  }));
  return { targetDuration, mediaSequence, ended, segments };
}
