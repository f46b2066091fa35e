/**
 * `/live/...`: the fixture looped forever as a live stream.
 *
 *   master.m3u8                   the fixture master, variants at <rendition>/index.m3u8
 *   <rendition>/index.m3u8        sliding window, advancing in real time
 *   <rendition>/seq-<N>.ts|.m4s   fixture segment N mod count, once published, until evicted
 *   <rendition>/init.mp4          the fMP4 init segment (fMP4 fixtures only)
 *   <rendition>/stream.ts|.m4s    all fixture segments back to back (with `byteRanges` only)
 */
import { INIT_SEGMENT_NAME, SEGMENT_EXTENSION } from './container.js';
import type { FixtureRendition } from './fixture.js';
import { isSequenceAvailable, liveWindow } from './live-timeline.js';
import { renderLiveMasterPlaylist, renderLiveMediaPlaylist } from './live-playlist.js';
import { targetDurationS } from './media-playlist.js';
import {
  mediaFileResource,
  playlistResource,
  type MediaContext,
  type MediaResource,
} from './media-resource.js';

function mediaPlaylist(rendition: FixtureRendition, ctx: MediaContext): MediaResource {
  const { timeline } = ctx;
  return playlistResource(
    renderLiveMediaPlaylist({
      window: liveWindow(timeline, ctx.elapsedMs, ctx.windowSegments),
      targetDurationS: targetDurationS(timeline.durationsMs),
      epochMs: ctx.epochMs,
      format: ctx.fixture.format,
      version: rendition.version,
      stream: ctx.streams?.get(rendition.name),
      client: ctx.propagateClient,
    }),
  );
}

function sequenceFile(
  rendition: FixtureRendition,
  file: string,
  ctx: MediaContext,
): MediaResource | undefined {
  const match = /^seq-(\d{1,15})\.([a-z0-9]+)$/.exec(file);
  if (match === null || match[2] !== SEGMENT_EXTENSION[ctx.fixture.format]) return undefined;
  const sequence = Number(match[1]);
  const { timeline, elapsedMs, windowSegments, retentionWindows } = ctx;
  if (!isSequenceAvailable(timeline, sequence, elapsedMs, windowSegments, retentionWindows)) {
    return undefined;
  }
  const segment = rendition.segments[sequence % rendition.segments.length];
  return segment === undefined ? undefined : mediaFileResource(file, segment.bytes);
}

/** The resource at `relative` (the path after `/live/`), or undefined. */
export function resolveLive(relative: string, ctx: MediaContext): MediaResource | undefined {
  const { fixture } = ctx;
  if (relative === 'master.m3u8') {
    const names = new Map(fixture.renditions.map((r) => [r.variant.uri, r.name]));
    return playlistResource(
      renderLiveMasterPlaylist(fixture.masterText, names, ctx.propagateClient),
    );
  }
  const [name, file, ...rest] = relative.split('/');
  const rendition = fixture.renditions.find((r) => r.name === name);
  if (rendition === undefined || file === undefined || rest.length > 0) return undefined;
  if (file === 'index.m3u8') return mediaPlaylist(rendition, ctx);
  if (file === INIT_SEGMENT_NAME && rendition.init !== undefined) {
    return mediaFileResource(file, rendition.init.bytes);
  }
  const stream = ctx.streams?.get(rendition.name);
  if (stream !== undefined && file === stream.fileName) {
    return mediaFileResource(file, stream.bytes);
  }
  return sequenceFile(rendition, file, ctx);
}
