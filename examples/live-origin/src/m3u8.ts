/**
 * The small subset of M3U8 the origin needs: read the fixture's master and media playlists
 * (variants, version, init segment, segments), and rewrite the URIs of a playlist (to propagate
 * `?client=` or to point variants at live paths).
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

/** What the origin reads from a fixture media playlist. */
export interface MediaPlaylist {
  /** `#EXT-X-VERSION`; 1 when absent (RFC 8216 4.3.1.2). */
  readonly version: number;
  /** URI of the `#EXT-X-MAP` init segment (fMP4), as written; undefined without one. */
  readonly mapUri: string | undefined;
  readonly segments: readonly MediaSegmentEntry[];
}

function invalid(message: string): LiveOriginError {
  return new LiveOriginError('INVALID_FIXTURE', message);
}

function lines(text: string): string[] {
  return text.split(/\r?\n/);
}

function requireHeader(text: string, what: string): void {
  if (!text.startsWith('#EXTM3U')) {
    throw invalid(`${what} does not start with #EXTM3U`);
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
  if (variants.length === 0) throw invalid('master playlist lists no variants');
  return variants;
}

/** The `#EXT-X-MAP` URI; one whole-file init segment per playlist is all a loop needs. */
function parseMap(line: string, previous: string | undefined): string {
  const attributes = line.slice('#EXT-X-MAP:'.length);
  if (/(?:^|,)BYTERANGE=/.test(attributes)) {
    throw invalid(`"${line}": a BYTERANGE map is not supported`);
  }
  const uri = /(?:^|,)URI="([^"]*)"/.exec(attributes)?.[1];
  if (uri === undefined || uri === '') throw invalid(`"${line}" has no URI`);
  if (previous !== undefined && previous !== uri) {
    throw invalid('a media playlist with more than one #EXT-X-MAP is not supported');
  }
  return uri;
}

/** The version, init segment and segments of a media playlist, in order. */
export function parseMediaPlaylist(text: string): MediaPlaylist {
  requireHeader(text, 'media playlist');
  const segments: MediaSegmentEntry[] = [];
  let version = 1;
  let mapUri: string | undefined;
  let duration: number | undefined;
  for (const raw of lines(text)) {
    const line = raw.trim();
    if (line.startsWith('#EXTINF:')) {
      duration = Number.parseFloat(line.slice('#EXTINF:'.length));
      if (!(duration > 0)) throw invalid(`bad segment duration in "${line}"`);
    } else if (line.startsWith('#EXT-X-VERSION:')) {
      version = Number(line.slice('#EXT-X-VERSION:'.length));
      if (!Number.isInteger(version) || version < 1) throw invalid(`bad version in "${line}"`);
    } else if (line.startsWith('#EXT-X-MAP:')) {
      mapUri = parseMap(line, mapUri);
    } else if (line.startsWith('#EXT-X-BYTERANGE:')) {
      throw invalid('fixture segments must be whole files, not #EXT-X-BYTERANGE ranges');
    } else if (line !== '' && !line.startsWith('#')) {
      if (duration === undefined) throw invalid(`segment "${line}" has no #EXTINF`);
      segments.push({ duration, uri: line });
      duration = undefined;
    }
  }
  if (segments.length === 0) throw invalid('media playlist lists no segments');
  return { version, mapUri, segments };
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
