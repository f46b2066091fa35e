/**
 * Just enough HLS playlist parsing for the indexer: variant URIs of a master playlist, and the
 * segments (with absolute media sequence numbers) of a media playlist.
 */

/** A rendition a master playlist points at. */
export interface Variant {
  /** Absolute media playlist URL. */
  url: string;
}

export interface MediaSegment {
  /** `#EXT-X-MEDIA-SEQUENCE` + position in the playlist. */
  sequence: number;
  /** Absolute segment URL. */
  url: string;
}

export interface MediaPlaylist {
  /** `#EXT-X-TARGETDURATION` in seconds. */
  targetDuration: number;
  mediaSequence: number;
  /** `#EXT-X-ENDLIST`: the playlist will not change (VOD or an ended live stream). */
  ended: boolean;
  segments: MediaSegment[];
}

export type ParsedPlaylist =
  { kind: 'master'; variants: Variant[] } | { kind: 'media'; playlist: MediaPlaylist };

/** Thrown for text that is not an HLS playlist. */
export class PlaylistError extends Error {
  override readonly name = 'PlaylistError';
}

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

function resolveUri(uri: string, base: string): string {
  return new URL(uri, base).href;
}

function attribute(line: string, name: string): string | undefined {
  const match = new RegExp(`[:,]${name}="([^"]*)"`).exec(line);
  return match?.[1];
}

/**
 * Parses a playlist fetched from `baseUrl`: a master when it has `#EXT-X-STREAM-INF` (variants
 * and `#EXT-X-MEDIA` URIs, deduplicated), else a media playlist.
 *
 * @example
 * const parsed = parsePlaylist(text, 'https://cdn.example.com/live/master.m3u8');
 */
export function parsePlaylist(text: string, baseUrl: string): ParsedPlaylist {
  const all = lines(text);
  if (all[0] !== '#EXTM3U')
    throw new PlaylistError(`${baseUrl} is not an HLS playlist (no #EXTM3U)`);
  if (all.some((l) => l.startsWith('#EXT-X-STREAM-INF'))) {
    return { kind: 'master', variants: parseVariants(all, baseUrl) };
  }
  return { kind: 'media', playlist: parseMedia(all, baseUrl) };
}

function parseVariants(all: string[], baseUrl: string): Variant[] {
  const urls = new Set<string>();
  all.forEach((line, i) => {
    if (line.startsWith('#EXT-X-STREAM-INF')) {
      const uri = all.slice(i + 1).find((l) => !l.startsWith('#'));
      if (uri !== undefined) urls.add(resolveUri(uri, baseUrl));
    } else if (line.startsWith('#EXT-X-MEDIA:')) {
      const uri = attribute(line, 'URI');
      if (uri !== undefined) urls.add(resolveUri(uri, baseUrl));
    }
  });
  return [...urls].map((url) => ({ url }));
}

function parseMedia(all: string[], baseUrl: string): MediaPlaylist {
  let targetDuration = 0;
  let mediaSequence = 0;
  let ended = false;
  const uris: string[] = [];
  for (const line of all) {
    if (line.startsWith('#EXT-X-TARGETDURATION:')) targetDuration = Number(line.slice(22));
    else if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) mediaSequence = Number(line.slice(22));
    else if (line === '#EXT-X-ENDLIST') ended = true;
    else if (!line.startsWith('#')) uris.push(line);
  }
  if (!Number.isSafeInteger(mediaSequence) || mediaSequence < 0) {
    throw new PlaylistError(`${baseUrl}: bad #EXT-X-MEDIA-SEQUENCE`);
  }
  if (!Number.isFinite(targetDuration) || targetDuration < 0) {
    throw new PlaylistError(`${baseUrl}: bad #EXT-X-TARGETDURATION`);
  }
  const segments = uris.map((uri, i) => ({
    sequence: mediaSequence + i,
    url: resolveUri(uri, baseUrl),
  }));
  return { targetDuration, mediaSequence, ended, segments };
}
