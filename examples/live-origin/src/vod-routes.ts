/**
 * `/vod/<path>`: the fixture files, byte for byte. With `byteRanges`, each media playlist is
 * rewritten to address its segments as byte ranges of `<its folder>/stream.<ext>`, which is
 * served too; the segment files stay available.
 */
import { mapPlaylistUris, withClientQuery } from './m3u8.js';
import {
  mediaFileResource,
  playlistResource,
  type MediaContext,
  type MediaResource,
} from './media-resource.js';
import { renderVodByteRangePlaylist } from './vod-playlist.js';

function resolveByteRangeFile(relative: string, ctx: MediaContext): MediaResource | undefined {
  for (const rendition of ctx.fixture.renditions) {
    const stream = ctx.streams?.get(rendition.name);
    if (stream === undefined) continue;
    if (relative === rendition.playlistPath) {
      return playlistResource(renderVodByteRangePlaylist(rendition, stream, ctx.propagateClient));
    }
    if (relative === stream.vodPath) return mediaFileResource(relative, stream.bytes);
  }
  return undefined;
}

/** The resource at `relative` (the path after `/vod/`), or undefined. */
export function resolveVod(relative: string, ctx: MediaContext): MediaResource | undefined {
  const rewritten = resolveByteRangeFile(relative, ctx);
  if (rewritten !== undefined) return rewritten;
  const bytes = ctx.fixture.files.get(relative);
  if (bytes === undefined) return undefined;
  if (!relative.endsWith('.m3u8')) return mediaFileResource(relative, bytes);
  const client = ctx.propagateClient;
  if (client === undefined) return playlistResource(bytes.toString('utf8'));
  return playlistResource(
    mapPlaylistUris(bytes.toString('utf8'), (uri) => withClientQuery(uri, client)),
  );
}
