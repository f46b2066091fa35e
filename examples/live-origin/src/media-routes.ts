/**
 * Maps a media path (`/vod/...`, `/live/...`) to the bytes to answer with. Pure given the
 * fixture and the live clock reading, so routing decisions are testable without a socket. The
 * layouts are described in `vod-routes.ts` and `live-routes.ts`.
 */
import { resolveLive } from './live-routes.js';
import { notFound, type MediaContext, type MediaResource } from './media-resource.js';
import type { TrafficKind } from './stats.js';
import { resolveVod } from './vod-routes.js';

/** Whether `pathname` is a media route, and which kind it is counted as. */
export function mediaKind(pathname: string): TrafficKind | undefined {
  if (!pathname.startsWith('/vod/') && !pathname.startsWith('/live/')) return undefined;
  return pathname.endsWith('.m3u8') ? 'playlist' : 'segment';
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
