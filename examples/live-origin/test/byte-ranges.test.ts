import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  fixtureDirFor,
  loadFixture,
  startLiveOrigin,
  SEGMENT_EXTENSION,
  streamFileName,
  type ByteRangeSpec,
  type Fixture,
  type FixtureFormat,
  type LiveOrigin,
} from '../src/index.js';
import { getText, httpRequest } from './http-client.js';
import { listedSegments, rangeHeader, tagValue, uriLines } from './playlist.js';

describe.each<FixtureFormat>(['ts', 'fmp4'])('byteRanges with the %s fixture', (format) => {
  const dir = fixtureDirFor(format);
  const stream = streamFileName(format);
  const fixtureFile = (relative: string): Promise<Buffer> => readFile(path.join(dir, relative));
  const segmentFile = (index: number): Promise<Buffer> =>
    fixtureFile(`${rendition}/seg${index}.${SEGMENT_EXTENSION[format]}`);
  let fixture: Fixture;
  let rendition: string;
  let count: number;
  let clock = Date.UTC(2030, 0, 1);
  let start = clock;
  let origin: LiveOrigin;

  beforeAll(async () => {
    fixture = await loadFixture(dir);
    rendition = fixture.renditions.at(-1)?.name ?? '';
    count = fixture.durationsMs.length;
    origin = await startLiveOrigin({ fixtureDir: dir, byteRanges: true, now: () => clock });
  });
  afterAll(async () => {
    await origin.close();
  });
  beforeEach(() => {
    origin.configure({ ignoreRange: false });
    origin.resetStats();
    clock = start = Date.UTC(2030, 0, 1);
  });

  /** Fetches `range` of `url` and checks the 206 headers. */
  async function fetchRange(url: string, range: ByteRangeSpec | undefined): Promise<Buffer> {
    if (range === undefined) throw new Error(`${url}: the playlist lists no byte range`);
    const res = await httpRequest(url, { headers: { Range: rangeHeader(range) } });
    expect(res.status).toBe(206);
    const { offset, length } = range;
    expect(res.headers['content-range']).toMatch(
      new RegExp(`^bytes ${offset}-${offset + length - 1}/\\d+$`),
    );
    return res.body;
  }

  it('lists every live segment as an explicit-offset range of one file per rendition', async () => {
    clock = start + 3 * fixture.durationsMs.reduce((a, b) => a + b, 0); // three loops in
    const text = await getText(`${origin.url}/live/${rendition}/index.m3u8`);
    expect(Number(tagValue(text, 'EXT-X-VERSION'))).toBe(format === 'ts' ? 4 : 7);
    expect(text.match(/^#EXT-X-BYTERANGE:.*$/gm)?.every((l) => /:\d+@\d+$/.test(l))).toBe(true);
    const segments = listedSegments(text);
    expect(segments).toHaveLength(6);
    expect(new Set(segments.map((s) => s.uri))).toEqual(new Set([stream]));
    const first = Number(tagValue(text, 'EXT-X-MEDIA-SEQUENCE'));
    for (const [i, segment] of segments.entries()) {
      const sequence = first + i;
      const body = await fetchRange(`${origin.url}/live/${rendition}/${stream}`, segment.byteRange);
      const expected = await segmentFile(sequence % count);
      expect(body.equals(expected), `sequence ${sequence}`).toBe(true);
    }
    if (format === 'fmp4') expect(text).toContain('#EXT-X-MAP:URI="init.mp4"');
    else expect(text).not.toContain('#EXT-X-MAP');
  });

  it('gives sequence N and N + count the same range of the same file', async () => {
    const window = (ms: number): Promise<string> => {
      clock = start + ms;
      return getText(`${origin.url}/live/${rendition}/index.m3u8`);
    };
    const loopMs = fixture.durationsMs.reduce((a, b) => a + b, 0);
    const now = listedSegments(await window(0));
    const nextLoop = listedSegments(await window(loopMs));
    expect(nextLoop.map((s) => s.byteRange)).toEqual(now.map((s) => s.byteRange));
    expect(nextLoop.map((s) => s.uri)).toEqual(now.map((s) => s.uri));
  });

  it('serves the whole concatenated file, the same at any time', async () => {
    const whole = Buffer.concat(
      await Promise.all(Array.from({ length: count }, (_, i) => segmentFile(i))),
    );
    for (const ms of [0, 1_000_000]) {
      clock = start + ms;
      const res = await httpRequest(`${origin.url}/live/${rendition}/${stream}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(
        format === 'ts' ? 'video/mp2t' : 'video/iso.segment',
      );
      expect(res.headers['accept-ranges']).toBe('bytes');
      expect(res.body.equals(whole)).toBe(true);
    }
    const vod = await httpRequest(`${origin.url}/vod/${rendition}/${stream}`);
    expect(vod.body.equals(whole)).toBe(true);
    const head = await httpRequest(`${origin.url}/live/${rendition}/${stream}`, { method: 'HEAD' });
    expect(Number(head.headers['content-length'])).toBe(whole.length);
  });

  it('rewrites VOD media playlists to ranges; master and segment files stay byte for byte', async () => {
    const text = await getText(`${origin.url}/vod/${rendition}/index.m3u8`);
    expect(text).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    expect(text.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    const segments = listedSegments(text);
    expect(segments).toHaveLength(count);
    for (const [i, segment] of segments.entries()) {
      expect(segment.uri).toBe(stream);
      const body = await fetchRange(`${origin.url}/vod/${rendition}/${stream}`, segment.byteRange);
      expect(body.equals(await segmentFile(i)), `seg${i}`).toBe(true);
    }
    const master = await httpRequest(`${origin.url}/vod/master.m3u8`);
    expect(master.body.equals(await fixtureFile('master.m3u8'))).toBe(true);
    const seg = await httpRequest(
      `${origin.url}/vod/${rendition}/seg1.${SEGMENT_EXTENSION[format]}`,
    );
    expect(seg.body.equals(await segmentFile(1))).toBe(true);
    const attributed = await getText(`${origin.url}/vod/${rendition}/index.m3u8?client=v`);
    expect(uriLines(attributed).every((uri) => uri === `${stream}?client=v`)).toBe(true);
  });

  it('with ignoreRange, answers a ranged request for the file with 200 and all of it', async () => {
    const text = await getText(`${origin.url}/live/${rendition}/index.m3u8`);
    const range = listedSegments(text)[1]?.byteRange ?? { length: 100, offset: 100 };
    expect(range.offset).toBeGreaterThan(0);
    origin.configure({ ignoreRange: true });
    origin.resetStats();
    const res = await httpRequest(`${origin.url}/live/${rendition}/${stream}`, {
      headers: { Range: rangeHeader(range) },
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-range']).toBeUndefined();
    expect(res.headers['accept-ranges']).toBeUndefined();
    const whole = fixture.renditions.at(-1)?.segments.reduce((sum, s) => sum + s.bytes.length, 0);
    expect(res.body.length).toBe(whole);
    expect(origin.stats().segmentBytes).toBe(whole);
  });
});

describe('without byteRanges', () => {
  it('serves no concatenated file and keeps per-segment playlists', async () => {
    const origin = await startLiveOrigin({ fixtureDir: fixtureDirFor('fmp4') });
    try {
      expect((await httpRequest(`${origin.url}/live/180p/stream.m4s`)).status).toBe(404);
      expect((await httpRequest(`${origin.url}/vod/180p/stream.m4s`)).status).toBe(404);
      const text = await getText(`${origin.url}/live/180p/index.m3u8`);
      expect(text).not.toContain('#EXT-X-BYTERANGE');
    } finally {
      await origin.close();
    }
  });
});
