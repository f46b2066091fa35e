/**
 * The `byteRanges` view of a fixture: each rendition's segments back to back in one file, and
 * where each segment sits in it. Media playlists then address segments as byte ranges of that
 * file. Built once at start; the same file serves every loop of the live stream.
 */
import path from 'node:path';
import { SEGMENT_EXTENSION, type FixtureFormat } from './container.js';
import type { Fixture, FixtureRendition } from './fixture.js';
import { LiveOriginError } from './live-origin-error.js';
import type { ByteRangeSpec } from './media-playlist.js';

/** One rendition as a single file. */
export interface ConcatenatedStream {
  /** Its name under `/live/<rendition>/`: `stream.ts` or `stream.m4s`. */
  readonly fileName: string;
  /** Its path under `/vod/`: beside the rendition's media playlist (e.g. `240p/stream.ts`). */
  readonly vodPath: string;
  readonly bytes: Buffer;
  /** Where fixture segment `i` is: `bytes.subarray(offset, offset + length)` equals it. */
  readonly ranges: readonly ByteRangeSpec[];
}

/** `stream.ts` or `stream.m4s`. */
export function streamFileName(format: FixtureFormat): string {
  return `stream.${SEGMENT_EXTENSION[format]}`;
}

/** Concatenates the media segments of `rendition` (an fMP4 init segment stays apart). */
export function concatenateRendition(
  rendition: FixtureRendition,
  format: FixtureFormat,
): ConcatenatedStream {
  const ranges: ByteRangeSpec[] = [];
  let offset = 0;
  for (const segment of rendition.segments) {
    ranges.push({ length: segment.bytes.length, offset });
    offset += segment.bytes.length;
  }
  const fileName = streamFileName(format);
  return {
    fileName,
    vodPath: path.posix.join(path.posix.dirname(rendition.playlistPath), fileName),
    bytes: Buffer.concat(rendition.segments.map((s) => s.bytes)),
    ranges,
  };
}

/**
 * The concatenated file of every rendition, by rendition name. Throws `INVALID_FIXTURE` when two
 * renditions would share a VOD path (media playlists in one folder) or when the path is taken by
 * a fixture file.
 */
export function concatenateFixture(fixture: Fixture): ReadonlyMap<string, ConcatenatedStream> {
  const streams = new Map<string, ConcatenatedStream>();
  const taken = new Set(fixture.files.keys());
  for (const rendition of fixture.renditions) {
    const stream = concatenateRendition(rendition, fixture.format);
    if (taken.has(stream.vodPath)) {
      throw new LiveOriginError(
        'INVALID_FIXTURE',
        `byteRanges needs /vod/${stream.vodPath} for rendition "${rendition.name}", but that ` +
          'path is taken: give every media playlist its own folder',
      );
    }
    taken.add(stream.vodPath);
    streams.set(rendition.name, stream);
  }
  return streams;
}
