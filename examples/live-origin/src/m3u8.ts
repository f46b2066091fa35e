/**
 * The small subset of M3U8 the origin needs: read the fixture's master and media playlists, and
 * rewrite the URIs of a playlist (to propagate `?client=` or to point variants at live paths).
 */
import { LiveOriginError } from './live-origin-error.js';

/** One `#EXT-X-STREAM-INF` entry of a master playlist. */
export interface MasterVariant {
  /** The attribute list exactly as written, e.g. `BANDWIDTH=328624,RESOLUTION=426x240,...`. */
  readonly attributes: string;
  /** The variant's media playlist URI as written, e.g. `240p/index.m3u8`. */
  readonly uri: string;
}

/** One media segment of a media playlist. */
export interface MediaSegmentEntry {
  /** Duration from `#EXTINF`, in seconds. */
  readonly duration: number;
  /** Segment URI as written. */
  readonly uri: string;
}

function lines(text: string): string[] {
  return text.split(/\r?\n/);
}

function requireHeader(text: string, what: string): void {
  if (!text.startsWith('#EXTM3U')) {
    throw new LiveOriginError('INVALID_FIXTURE', `${what} does not start with #EXTM3U`);
  }
}

/** The variants of a master playlist, in order. */
export function parseMasterPlaylist(text: string): MasterVariant[] {
  requireHeader(text, 'master playlist');
  const variants: MasterVariant[] = [];
  let pending: string | undefined;
  for (const raw of lines(text)) {
    const line = raw.trim();
    if (line.startsWith('#EXT-X-STREAM-INF:')) pending = line.slice('#EXT-X-STREAM-INF:'.length);
    else if (line !== '' && !line.startsWith('#') && pending !== undefined) {
      variants.push({ attributes: pending, uri: line });
      pending = undefined;
    }
  }
  if (variants.length === 0) {
    throw new LiveOriginError('INVALID_FIXTURE', 'master playlist lists no variants');
  }
  return variants;
}

/** The segments of a media playlist, in order. */
export function parseMediaPlaylist(text: string): MediaSegmentEntry[] {
  requireHeader(text, 'media playlist');
  const segments: MediaSegmentEntry[] = [];
  let duration: number | undefined;
  for (const raw of lines(text)) {
    const line = raw.trim();
    if (line.startsWith('#EXTINF:')) {
      duration = Number.parseFloat(line.slice('#EXTINF:'.length));
      if (!(duration > 0)) {
        throw new LiveOriginError('INVALID_FIXTURE', `bad segment duration in "${line}"`);
      }
    } else if (line !== '' && !line.startsWith('#')) {
      if (duration === undefined) {
        throw new LiveOriginError('INVALID_FIXTURE', `segment "${line}" has no #EXTINF`);
      }
      segments.push({ duration, uri: line });
      duration = undefined;
    }
  }
  if (segments.length === 0) {
    throw new LiveOriginError('INVALID_FIXTURE', 'media playlist lists no segments');
  }
  return segments;
}

/**
 * Returns `text` with every URI line and every `URI="..."` attribute passed through `map`.
 * Everything else (tags, blank lines, line endings) is kept byte for byte.
 */
export function mapPlaylistUris(text: string, map: (uri: string) => string): string {
  return text
    .split('\n')
    .map((line) => {
      const cr = line.endsWith('\r') ? '\r' : '';
      const body = cr ? line.slice(0, -1) : line;
      if (body.startsWith('#')) {
        return body.replace(/URI="([^"]*)"/g, (_, uri: string) => `URI="${map(uri)}"`) + cr;
      }
      return body.trim() === '' ? line : map(body.trim()) + cr;
    })
    .join('\n');
}

/** Appends `client=<id>` to a URI's query string. */
export function withClientQuery(uri: string, client: string): string {
  return `${uri}${uri.includes('?') ? '&' : '?'}client=${encodeURIComponent(client)}`;
}
