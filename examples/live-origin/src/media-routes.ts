/**
 * Maps a media path (`/vod/...`, `/live/...`) to the bytes to answer with. Pure given the
 * fixture and the live clock reading, so routing decisions are testable without a socket.
 *
 *   /vod/<path in fixture>           the fixture files, byte for byte
 *   /live/master.m3u8                the fixture master, variants at <rendition>/index.m3u8
 *   /live/<rendition>/index.m3u8     sliding window, advancing in real time
 *   /live/<rendition>/seq-<N>.ts     fixture segment N mod count, once published
 */
import type { Fixture } from './fixture.js';
import { isSequenceAvailable, liveWindow, type LiveTimeline } from './live-timeline.js';
import {
  renderLiveMasterPlaylist,
  renderLiveMediaPlaylist,
  targetDurationS,
} from './live-playlist.js';
import { mapPlaylistUris, withClientQuery } from './m3u8.js';
import type { TrafficKind } from './stats.js';

export const PLAYLIST_TYPE = 'application/vnd.apple.mpegurl';
export const SEGMENT_TYPE = 'video/mp2t';

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
  /** `?client=` of the request: propagated into the URIs of returned playlists. */
  readonly propagateClient: string | undefined;
}

// Playlists change (live) or may be regenerated (VOD): always revalidate. Segments are
// `no-store` on purpose: a browser cache answering a second tab would hide CDN traffic from
// the accounting that P2P offload is measured against.
const PLAYLIST_CACHE = 'no-cache';
const SEGMENT_CACHE = 'no-store';

/** Whether `pathname` is a media route, and which kind it is counted as. */
export function mediaKind(pathname: string): TrafficKind | undefined {
  if (!pathname.startsWith('/vod/') && !pathname.startsWith('/live/')) return undefined;
  return pathname.endsWith('.m3u8') ? 'playlist' : 'segment';
}

function notFound(kind: TrafficKind): MediaResource {
  return {
    status: 404,
    kind,
    body: Buffer.from('not found\n'),
    contentType: 'text/plain; charset=utf-8',
    cacheControl: 'no-store',
  };
}

function playlist(text: string): MediaResource {
  return {
    status: 200,
    kind: 'playlist',
    body: Buffer.from(text, 'utf8'),
    contentType: PLAYLIST_TYPE,
    cacheControl: PLAYLIST_CACHE,
  };
}

function segment(body: Buffer): MediaResource {
  return {
    status: 200,
    kind: 'segment',
    body,
    contentType: SEGMENT_TYPE,
    cacheControl: SEGMENT_CACHE,
  };
}

function resolveVod(relative: string, ctx: MediaContext): MediaResource | undefined {
  const bytes = ctx.fixture.files.get(relative);
  if (bytes === undefined) return undefined;
  if (!relative.endsWith('.m3u8')) return segment(bytes);
  const client = ctx.propagateClient;
  if (client === undefined) return playlist(bytes.toString('utf8'));
  return playlist(mapPlaylistUris(bytes.toString('utf8'), (uri) => withClientQuery(uri, client)));
}

function resolveLive(relative: string, ctx: MediaContext): MediaResource | undefined {
  const { fixture, timeline } = ctx;
  if (relative === 'master.m3u8') {
    const names = new Map(fixture.renditions.map((r) => [r.variant.uri, r.name]));
    return playlist(renderLiveMasterPlaylist(fixture.masterText, names, ctx.propagateClient));
  }
  const match = /^([^/]+)\/(?:(index\.m3u8)|seq-(\d{1,15})\.ts)$/.exec(relative);
  const rendition = fixture.renditions.find((r) => r.name === match?.[1]);
  if (match === null || rendition === undefined) return undefined;
  if (match[2] !== undefined) {
    return playlist(
      renderLiveMediaPlaylist({
        window: liveWindow(timeline, ctx.elapsedMs, ctx.windowSegments),
        targetDurationS: targetDurationS(timeline.durationsMs),
        epochMs: ctx.epochMs,
        ...(ctx.propagateClient === undefined ? {} : { client: ctx.propagateClient }),
      }),
    );
  }
  const sequence = Number(match[3]);
  const available = isSequenceAvailable(
    timeline,
    sequence,
    ctx.elapsedMs,
    ctx.windowSegments,
    ctx.retentionWindows,
  );
  const file = rendition.segments[sequence % rendition.segments.length];
  return available && file !== undefined ? segment(file.bytes) : undefined;
}

/** The resource for a media path; a 404 resource when nothing lives there (yet). */
export function resolveMedia(pathname: string, ctx: MediaContext): MediaResource {
  const kind = mediaKind(pathname) ?? 'segment';
  let relative: string;
  try {
    relative = decodeURIComponent(pathname.replace(/^\/(vod|live)\//, ''));
  } catch {
    return notFound(kind);
  }
  const found = pathname.startsWith('/vod/')
    ? resolveVod(relative, ctx)
    : resolveLive(relative, ctx);
  return found ?? notFound(kind);
}
