/**
 * What a media route answers with, and the live stream's state it answers from. The routes
 * build {@link MediaResource}s; the origin handler writes them (ranges, throttling, failures).
 */
import type { ConcatenatedStream } from './concatenated-stream.js';
import { contentTypeFor, PLAYLIST_TYPE } from './container.js';
import type { Fixture } from './fixture.js';
import type { LiveTimeline } from './live-timeline.js';
import type { TrafficKind } from './stats.js';

/** Everything needed to answer one media request. */
export interface MediaResource {
  readonly status: 200 | 404;
  readonly kind: TrafficKind;
  readonly body: Buffer;
  readonly contentType: string;
  readonly cacheControl: string;
}

/** The live stream's state at the moment of a request. */
export interface MediaContext {
  readonly fixture: Fixture;
  readonly timeline: LiveTimeline;
  /** Wall-clock time of the stream epoch (ms). */
  readonly epochMs: number;
  /** Time since the epoch (ms) by the origin's clock. */
  readonly elapsedMs: number;
  readonly windowSegments: number;
  readonly retentionWindows: number;
  /** With `byteRanges`: each rendition's concatenated file, by rendition name. */
  readonly streams: ReadonlyMap<string, ConcatenatedStream> | undefined;
  /** `?client=` of the request: propagated into the URIs of returned playlists. */
  readonly propagateClient: string | undefined;
}

// Playlists change (live) or may be regenerated (VOD): always revalidate. Media files are
// `no-store` on purpose: a browser cache answering a second tab would hide CDN traffic from
// the accounting that P2P offload is measured against.
const PLAYLIST_CACHE = 'no-cache';
const MEDIA_CACHE = 'no-store';

export function notFound(kind: TrafficKind): MediaResource {
  return {
    status: 404,
    kind,
    body: Buffer.from('not found\n'),
    contentType: 'text/plain; charset=utf-8',
    cacheControl: 'no-store',
  };
}

export function playlistResource(text: string): MediaResource {
  return {
    status: 200,
    kind: 'playlist',
    body: Buffer.from(text, 'utf8'),
    contentType: PLAYLIST_TYPE,
    cacheControl: PLAYLIST_CACHE,
  };
}

/** A media file (segment, init segment, concatenated stream), typed by its `name`'s extension. */
export function mediaFileResource(name: string, body: Buffer): MediaResource {
  return {
    status: 200,
    kind: 'segment',
    body,
    contentType: contentTypeFor(name),
    cacheControl: MEDIA_CACHE,
  };
}
