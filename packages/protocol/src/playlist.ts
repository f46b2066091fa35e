/**
 * Reading HLS playlists as a client does: the renditions a master playlist points at, and the
 * segments of a media playlist with their media sequence numbers (a segment's identity in a
 * swarm and at the coordinator), absolute URLs, byte ranges and init sections. One parser for
 * every Node consumer: the coordinator's indexer, supporter nodes, the simulator and the tests.
 * (The live origin writes playlists; it keeps its own reader of its fixture.)
 */

/** A rendition a master playlist points at. */
export interface PlaylistVariant {
  /** Absolute media playlist URL. */
  url: string;
}

/**
 * Absolute byte offsets into a resource: `start` inclusive, `end` exclusive (the SDK's
 * `ByteRange` has the same shape). `#EXT-X-BYTERANGE:1000@500` is `{ start: 500, end: 1500 }`.
 */
export interface PlaylistByteRange {
  start: number;
  end: number;
}

/** An `#EXT-X-MAP` init section (the header a decoder needs before the segment). */
export interface PlaylistMap {
  /** Absolute URL of the resource holding it. */
  url: string;
  /** Its `BYTERANGE`; absent when it is the whole resource. */
  range?: PlaylistByteRange;
}

/** One segment of a media playlist. */
export interface PlaylistSegment {
  /** `#EXT-X-MEDIA-SEQUENCE` + position in the playlist. */
  sequence: number;
  /** Absolute segment URL. */
  url: string;
  /** `#EXTINF` duration in seconds (0 when the tag is missing). */
  duration: number;
  /** `#EXT-X-BYTERANGE`: the segment is these bytes of `url`; absent when it is all of it. */
  range?: PlaylistByteRange;
  /** The `#EXT-X-MAP` in force for this segment (the last one above it), if any. */
  map?: PlaylistMap;
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

/** A parsed `<n>[@<o>]`; without `o` the start depends on the segment before. */
interface RangeSpec {
  length: number;
  offset: number | undefined;
}

/** What the tags above a URI line said about the segment it names. */
interface PendingSegment {
  duration: number;
  range?: RangeSpec;
}

function parseMedia(all: string[], baseUrl: string): MediaPlaylist {
  let targetDuration = 0;
  let mediaSequence = 0;
  let ended = false;
  let map: PlaylistMap | undefined;
  let pending: PendingSegment = { duration: 0 };
  const entries: Omit<PlaylistSegment, 'sequence'>[] = [];
  for (const line of all) {
    if (line.startsWith('#EXT-X-TARGETDURATION:')) targetDuration = Number(line.slice(22));
    else if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) mediaSequence = Number(line.slice(22));
    else if (line.startsWith('#EXTINF:')) pending.duration = Number.parseFloat(line.slice(8));
    else if (line.startsWith('#EXT-X-BYTERANGE:')) {
      pending.range = parseRangeSpec(line.slice(17), `${baseUrl}: bad #EXT-X-BYTERANGE`);
    } else if (line.startsWith('#EXT-X-MAP:')) map = parseMap(line, baseUrl);
    else if (line === '#EXT-X-ENDLIST') ended = true;
    else if (!line.startsWith('#')) {
      const url = new URL(line, baseUrl).href;
      const entry: Omit<PlaylistSegment, 'sequence'> = {
        url,
        duration: Number.isFinite(pending.duration) ? pending.duration : 0,
      };
      if (pending.range !== undefined) {
        entry.range = segmentRange(pending.range, url, entries.at(-1), baseUrl);
      }
      if (map !== undefined) entry.map = map;
      entries.push(entry);
      // #EXTINF and #EXT-X-BYTERANGE apply to the next URI only; #EXT-X-MAP until the next one.
      pending = { duration: 0 };
    }
  }
  if (!Number.isSafeInteger(mediaSequence) || mediaSequence < 0) {
    throw new PlaylistError(`${baseUrl}: bad #EXT-X-MEDIA-SEQUENCE`);
  }
  if (!Number.isFinite(targetDuration) || targetDuration < 0) {
    throw new PlaylistError(`${baseUrl}: bad #EXT-X-TARGETDURATION`);
  }
  const segments = entries.map((entry, i) => ({ sequence: mediaSequence + i, ...entry }));
  return { targetDuration, mediaSequence, ended, segments };
}

/** `<n>[@<o>]` (RFC 8216 4.3.2.2): a length of at least one byte and an optional offset. */
function parseRangeSpec(spec: string, context: string): RangeSpec {
  const match = /^(\d+)(?:@(\d+))?$/.exec(spec);
  const length = Number(match?.[1]);
  const offset = match?.[2] === undefined ? undefined : Number(match[2]);
  if (match === null || length < 1 || !Number.isSafeInteger(length + (offset ?? 0))) {
    throw new PlaylistError(`${context} "${spec}" (expected <length>[@<offset>], length >= 1)`);
  }
  return { length, offset };
}

/**
 * A segment's absolute range. Without an offset it starts where the previous segment ended,
 * which RFC 8216 allows only when that segment is a range of the same resource: anything else
 * is undefined there, and a guess would index bytes the player never asks for.
 */
function segmentRange(
  spec: RangeSpec,
  url: string,
  previous: Pick<PlaylistSegment, 'url' | 'range'> | undefined,
  baseUrl: string,
): PlaylistByteRange {
  let start = spec.offset;
  if (start === undefined) {
    if (previous?.range === undefined || previous.url !== url) {
      throw new PlaylistError(
        `${baseUrl}: #EXT-X-BYTERANGE:${spec.length} for ${url} has no offset, and the segment before it is not a byte range of the same resource`,
      );
    }
    start = previous.range.end;
  }
  const end = start + spec.length;
  if (!Number.isSafeInteger(end)) {
    throw new PlaylistError(`${baseUrl}: #EXT-X-BYTERANGE for ${url} ends past 2^53`);
  }
  return { start, end };
}

/**
 * `#EXT-X-MAP:URI="...",BYTERANGE="n[@o]"`. A map has no previous range to continue, so a
 * BYTERANGE without an offset starts at 0, as hls.js reads it.
 */
function parseMap(line: string, baseUrl: string): PlaylistMap {
  const uri = attribute(line, 'URI');
  if (uri === undefined || uri === '') {
    throw new PlaylistError(`${baseUrl}: #EXT-X-MAP without a URI attribute`);
  }
  const map: PlaylistMap = { url: new URL(uri, baseUrl).href };
  const byteRange = attribute(line, 'BYTERANGE');
  if (byteRange !== undefined) {
    const spec = parseRangeSpec(byteRange, `${baseUrl}: bad #EXT-X-MAP BYTERANGE`);
    const start = spec.offset ?? 0;
    map.range = { start, end: start + spec.length };
  }
  return map;
}
