/**
 * Reads the fixture stream into memory once, at start: a test origin must answer from RAM so its
 * own disk never shows up in a measurement.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LiveOriginError } from './live-origin-error.js';
import { parseMasterPlaylist, parseMediaPlaylist, type MasterVariant } from './m3u8.js';

/** One segment of a rendition, with its bytes. */
export interface FixtureSegment {
  /** Path relative to the fixture folder, with `/` separators (e.g. `240p/seg3.ts`). */
  readonly path: string;
  /** Duration in whole milliseconds (rounded from `#EXTINF`). */
  readonly durationMs: number;
  readonly bytes: Buffer;
}

/** One rendition (variant) of the fixture. */
export interface FixtureRendition {
  /** Name used in live URLs: the folder of the variant URI (`240p` for `240p/index.m3u8`). */
  readonly name: string;
  readonly variant: MasterVariant;
  /** Path of its media playlist relative to the fixture folder. */
  readonly playlistPath: string;
  readonly segments: readonly FixtureSegment[];
}

/** The whole fixture, in memory. */
export interface Fixture {
  readonly dir: string;
  /** The master playlist text, unchanged. */
  readonly masterText: string;
  readonly renditions: readonly FixtureRendition[];
  /** Segment durations shared by all renditions (they are aligned), in milliseconds. */
  readonly durationsMs: readonly number[];
  /** Every servable file by relative path: the master, the media playlists and the segments. */
  readonly files: ReadonlyMap<string, Buffer>;
}

/** Relative URIs only: the fixture must not make the origin read outside its folder. */
function resolveInside(base: string, uri: string): string {
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(base), uri));
  if (/^[a-z]+:/i.test(uri) || resolved.startsWith('..') || path.posix.isAbsolute(resolved)) {
    throw new LiveOriginError('INVALID_FIXTURE', `URI "${uri}" points outside the fixture`);
  }
  return resolved;
}

async function readFixtureFile(dir: string, relative: string): Promise<Buffer> {
  try {
    return await readFile(path.join(dir, ...relative.split('/')));
  } catch (cause) {
    throw new LiveOriginError('INVALID_FIXTURE', `cannot read ${relative} in ${dir}`, { cause });
  }
}

function renditionName(uri: string): string {
  const folder = path.posix.dirname(uri);
  const name = folder === '.' ? path.posix.basename(uri, '.m3u8') : path.posix.basename(folder);
  if (!/^[\w.-]+$/.test(name)) {
    throw new LiveOriginError('INVALID_FIXTURE', `cannot name a rendition after "${uri}"`);
  }
  return name;
}

/**
 * Loads `master.m3u8` from `dir`, the media playlists it lists and their segments. Renditions
 * must have the same number of segments with the same durations, since the live timeline is
 * shared by all of them (segment N of each covers the same time).
 */
export async function loadFixture(dir: string): Promise<Fixture> {
  const files = new Map<string, Buffer>();
  const master = await readFixtureFile(dir, 'master.m3u8');
  files.set('master.m3u8', master);
  const masterText = master.toString('utf8');
  const renditions: FixtureRendition[] = [];
  for (const variant of parseMasterPlaylist(masterText)) {
    const playlistPath = resolveInside('master.m3u8', variant.uri);
    const playlist = await readFixtureFile(dir, playlistPath);
    files.set(playlistPath, playlist);
    const segments: FixtureSegment[] = [];
    for (const entry of parseMediaPlaylist(playlist.toString('utf8'))) {
      const segmentPath = resolveInside(playlistPath, entry.uri);
      const bytes = await readFixtureFile(dir, segmentPath);
      files.set(segmentPath, bytes);
      segments.push({ path: segmentPath, durationMs: Math.round(entry.duration * 1000), bytes });
    }
    const name = renditionName(variant.uri);
    if (renditions.some((r) => r.name === name)) {
      throw new LiveOriginError('INVALID_FIXTURE', `two renditions are named "${name}"`);
    }
    renditions.push({ name, variant, playlistPath, segments });
  }
  const first = renditions[0];
  if (first === undefined) throw new LiveOriginError('INVALID_FIXTURE', 'no renditions');
  const durationsMs = first.segments.map((s) => s.durationMs);
  for (const r of renditions) {
    const same =
      r.segments.length === durationsMs.length &&
      r.segments.every((s, i) => s.durationMs === durationsMs[i]);
    if (!same) {
      throw new LiveOriginError(
        'INVALID_FIXTURE',
        `rendition "${r.name}" is not aligned with "${first.name}" (segment count or durations)`,
      );
    }
  }
  return { dir, masterText, renditions, durationsMs, files };
}
