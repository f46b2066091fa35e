import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FMP4_FIXTURE_DIR, TS_FIXTURE_DIR, fixtureDirFor } from './bundled-fixtures.js';
import { loadFixture } from './fixture.js';

const temporary: string[] = [];
afterAll(async () => {
  await Promise.all(temporary.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Writes `files` (relative path to text) into a fresh folder. */
async function fixtureFolder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'live-origin-fixture-'));
  temporary.push(dir);
  for (const [relative, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, relative)), { recursive: true });
    await writeFile(path.join(dir, relative), text);
  }
  return dir;
}

const master = (...uris: string[]): string =>
  ['#EXTM3U', ...uris.flatMap((uri) => ['#EXT-X-STREAM-INF:BANDWIDTH=1', uri]), ''].join('\n');
const media = (segments: string[], map?: string): string =>
  [
    '#EXTM3U',
    ...(map === undefined ? [] : [`#EXT-X-MAP:URI="${map}"`]),
    ...segments.flatMap((s) => ['#EXTINF:4,', s]),
    '',
  ].join('\n');

describe('bundled fixtures', () => {
  it('loads the MPEG-TS fixture: 2 renditions of 20 x 2 s, no init segment', async () => {
    const fixture = await loadFixture(TS_FIXTURE_DIR);
    expect(fixture.format).toBe('ts');
    expect(fixture.renditions.map((r) => r.name)).toEqual(['240p', '360p']);
    expect(fixture.durationsMs).toEqual(Array.from({ length: 20 }, () => 2000));
    for (const r of fixture.renditions) {
      expect(r.init).toBeUndefined();
      expect(r.version).toBe(3);
    }
  });

  it('loads the fMP4 fixture: 3 renditions of 4 x 4 s, each with init.mp4', async () => {
    const fixture = await loadFixture(FMP4_FIXTURE_DIR);
    expect(fixture.format).toBe('fmp4');
    expect(fixture.renditions.map((r) => r.name)).toEqual(['180p', '360p', '720p']);
    expect(fixture.durationsMs).toEqual([4000, 4000, 4000, 4000]);
    expect(fixture.masterText).toContain('#EXT-X-VERSION:7');
    for (const r of fixture.renditions) {
      expect(r.version).toBe(7);
      expect(r.init?.path).toBe(`${r.name}/init.mp4`);
      // An ISO BMFF init segment starts with an ftyp box; media segments with styp.
      expect(r.init?.bytes.subarray(4, 8).toString()).toBe('ftyp');
      expect(r.segments.map((s) => s.path)).toEqual(
        [0, 1, 2, 3].map((i) => `${r.name}/seg${i}.m4s`),
      );
      expect(r.segments[0]?.bytes.subarray(4, 8).toString()).toBe('styp');
      expect(fixture.files.get(`${r.name}/init.mp4`)).toBe(r.init?.bytes);
    }
  });

  it('has a ladder whose bit rates differ widely, and stays small', async () => {
    const fixture = await loadFixture(fixtureDirFor('fmp4'));
    const bitrates = fixture.renditions.map((r) => {
      const bytes = r.segments.reduce((sum, s) => sum + s.bytes.length, 0);
      return (bytes * 8) / 16; // 16 s of media
    });
    expect(bitrates[0]).toBeGreaterThan(150_000);
    expect(bitrates[0]).toBeLessThan(250_000);
    expect(bitrates[1]).toBeGreaterThan(650_000);
    expect(bitrates[1]).toBeLessThan(950_000);
    expect(bitrates[2]).toBeGreaterThan(1_700_000);
    expect(bitrates[2]).toBeLessThan(2_300_000);
    const total = [...fixture.files.values()].reduce((sum, b) => sum + b.length, 0);
    expect(total).toBeLessThan(6 * 1024 * 1024);
    expect(fixtureDirFor('ts')).toBe(TS_FIXTURE_DIR);
  });
});

describe('loadFixture', () => {
  it('rejects renditions that mix fMP4 and MPEG-TS', async () => {
    const dir = await fixtureFolder({
      'master.m3u8': master('a/index.m3u8', 'b/index.m3u8'),
      'a/index.m3u8': media(['seg0.m4s'], 'init.mp4'),
      'a/init.mp4': 'i',
      'a/seg0.m4s': 's',
      'b/index.m3u8': media(['seg0.ts']),
      'b/seg0.ts': 's',
    });
    await expect(loadFixture(dir)).rejects.toThrow(/"a" and "b" mix fMP4/);
  });

  it('rejects a missing init segment and an init segment outside the folder', async () => {
    const missing = await fixtureFolder({
      'master.m3u8': master('a/index.m3u8'),
      'a/index.m3u8': media(['seg0.m4s'], 'init.mp4'),
      'a/seg0.m4s': 's',
    });
    await expect(loadFixture(missing)).rejects.toThrow(/cannot read a\/init\.mp4/);
    const outside = await fixtureFolder({
      'master.m3u8': master('a/index.m3u8'),
      'a/index.m3u8': media(['seg0.m4s'], '../../init.mp4'),
    });
    await expect(loadFixture(outside)).rejects.toMatchObject({ code: 'INVALID_FIXTURE' });
  });

  it('rejects renditions that are not aligned', async () => {
    const dir = await fixtureFolder({
      'master.m3u8': master('a/index.m3u8', 'b/index.m3u8'),
      'a/index.m3u8': media(['seg0.ts', 'seg1.ts']),
      'a/seg0.ts': 's',
      'a/seg1.ts': 's',
      'b/index.m3u8': media(['seg0.ts']),
      'b/seg0.ts': 's',
    });
    await expect(loadFixture(dir)).rejects.toThrow(/"b" is not aligned with "a"/);
  });
});
