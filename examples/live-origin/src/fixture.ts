/**
 * Reads the fixture stream into memory once, at start: a test origin must answer from RAM so its
 * own disk never shows up in a measurement.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FixtureFormat } from './container.js';
import { LiveOriginError } from './live-origin-error.js';
import { parseMasterPlaylist, parseMediaPlaylist, type MasterVariant } from './m3u8.js';

/** A file of the fixture, with its bytes. */
export interface FixtureFile {
  /** Path relative to the fixture folder, with `/` separators (e.g. `240p/seg3.ts`). */
  readonly path: string;
  readonly bytes: Buffer;
}

/** One segment of a rendition, with its bytes. */
export interface FixtureSegment extends FixtureFile {
  /** Duration in whole milliseconds (rounded from `#EXTINF`). */
  readonly durationMs: number;
}

/** One rendition (variant) of the fixture. */
export interface FixtureRendition {
  /** Name used in live URLs: the folder of the variant URI (`240p` for `240p/index.m3u8`). */
  readonly name: string;
  readonly variant: MasterVariant;
  /** Path of its media playlist relative to the fixture folder. */
  readonly playlistPath: string;
  /** `#EXT-X-VERSION` of its media playlist. */
  readonly version: number;
  /** The `#EXT-X-MAP` init segment (fMP4 only). */
  readonly init: FixtureFile | undefined;
  readonly segments: readonly FixtureSegment[];
}

/** The whole fixture, in memory. */
export interface Fixture {
  readonly dir: string;
  /** `fmp4` when the media playlists name an init segment (`#EXT-X-MAP`), else `ts`. */
  readonly format: FixtureFormat;
  /** The master playlist text, unchanged. */
  readonly masterText: string;
  readonly renditions: readonly FixtureRendition[];
  /** Segment durations shared by all renditions (they are aligned), in milliseconds. */
  readonly durationsMs: readonly number[];
  /** Every servable file by relative path: master, media playlists, init and media segments. */
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

async function loadRendition(
  dir: string,
  variant: MasterVariant,
  files: Map<string, Buffer>,
): Promise<FixtureRendition> {
  const playlistPath = resolveInside('master.m3u8', variant.uri);
  const read = async (relative: string): Promise<FixtureFile> => {
    const bytes = await readFixtureFile(dir, relative);
    files.set(relative, bytes);
    return { path: relative, bytes };
  };
  const playlist = await read(playlistPath);
  const { version, mapUri, segments } = parseMediaPlaylist(playlist.bytes.toString('utf8'));
  const init = mapUri === undefined ? undefined : await read(resolveInside(playlistPath, mapUri));
  const loaded: FixtureSegment[] = [];
  for (const entry of segments) {
    const file = await read(resolveInside(playlistPath, entry.uri));
    loaded.push({ ...file, durationMs: Math.round(entry.duration * 1000) });
  }
  return {
    name: renditionName(variant.uri),
    variant,
    playlistPath,
    version,
    init,
    segments: loaded,
  };
}

/** The live timeline and the live URL layout are shared by all renditions: they must agree. */
function checkConsistent(renditions: readonly FixtureRendition[]): void {
  const [first] = renditions;
  if (first === undefined) throw new LiveOriginError('INVALID_FIXTURE', 'no renditions');
  const names = new Set<string>();
  for (const r of renditions) {
    if (names.has(r.name)) {
      throw new LiveOriginError('INVALID_FIXTURE', `two renditions are named "${r.name}"`);
    }
    names.add(r.name);
    const aligned =
      r.segments.length === first.segments.length &&
      r.segments.every((s, i) => s.durationMs === first.segments[i]?.durationMs);
    if (!aligned) {
      throw new LiveOriginError(
        'INVALID_FIXTURE',
        `rendition "${r.name}" is not aligned with "${first.name}" (segment count or durations)`,
      );
    }
    if ((r.init === undefined) !== (first.init === undefined)) {
      throw new LiveOriginError(
        'INVALID_FIXTURE',
        `renditions "${first.name}" and "${r.name}" mix fMP4 (#EXT-X-MAP) and MPEG-TS`,
      );
    }
  }
}

/**
 * Loads `master.m3u8` from `dir`, the media playlists it lists, their init segments and their
 * segments. Renditions must have the same number of segments with the same durations, since the
 * live timeline is shared by all of them (segment N of each covers the same time), and must all
 * be fMP4 or all MPEG-TS.
 */
export async function loadFixture(dir: string): Promise<Fixture> {
  const files = new Map<string, Buffer>();
  const master = await readFixtureFile(dir, 'master.m3u8');
  files.set('master.m3u8', master);
  const masterText = master.toString('utf8');
  const renditions: FixtureRendition[] = [];
  for (const variant of parseMasterPlaylist(masterText)) {
    renditions.push(await loadRendition(dir, variant, files));
  }
  checkConsistent(renditions);
  const durationsMs = renditions[0]?.segments.map((s) => s.durationMs) ?? [];
  const format = renditions[0]?.init === undefined ? 'ts' : 'fmp4';
  return { dir, format, masterText, renditions, durationsMs, files };
}
