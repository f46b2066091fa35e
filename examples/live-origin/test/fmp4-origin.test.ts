import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FMP4_FIXTURE_DIR, startLiveOrigin, type LiveOrigin } from '../src/index.js';
import { getText, httpRequest } from './http-client.js';
import { listedSegments, mediaSequence, tagValue, uriLines } from './playlist.js';

// The fMP4 fixture: 3 renditions of 4 segments of 4 s, so a 6-segment window spans a loop.
const SEGMENTS = 4;
const SEGMENT_MS = 4000;
const RENDITIONS = ['180p', '360p', '720p'];
const fixtureFile = (relative: string): Promise<Buffer> =>
  readFile(path.join(FMP4_FIXTURE_DIR, relative));

let clock = Date.UTC(2030, 0, 1);
let start = clock;
let origin: LiveOrigin;
const live = (rendition: string, file: string): string => `${origin.url}/live/${rendition}/${file}`;

beforeAll(async () => {
  origin = await startLiveOrigin({ fixtureDir: FMP4_FIXTURE_DIR, now: () => clock });
});
afterAll(async () => {
  await origin.close();
});
beforeEach(() => {
  origin.resetStats();
  clock = start = Date.UTC(2030, 0, 1);
});

describe('fMP4 live', () => {
  it('serves the fixture master: version 7, measured ladder, live variant URIs', async () => {
    const text = await getText(`${origin.url}/live/master.m3u8`);
    expect(tagValue(text, 'EXT-X-VERSION')).toBe('7');
    expect(uriLines(text)).toEqual(RENDITIONS.map((r) => `${r}/index.m3u8`));
    expect(text).toContain('RESOLUTION=1280x720,CODECS="avc1.42c01f,mp4a.40.2"');
    // The fixture's variants already sit at <rendition>/index.m3u8: nothing to rewrite.
    expect(text).toBe((await fixtureFile('master.m3u8')).toString());
  });

  it('writes version 7, target duration 4 and one #EXT-X-MAP for the init segment', async () => {
    const text = await getText(live('720p', 'index.m3u8'));
    expect(tagValue(text, 'EXT-X-VERSION')).toBe('7');
    expect(tagValue(text, 'EXT-X-TARGETDURATION')).toBe('4');
    expect(text.match(/^#EXT-X-MAP:.*$/gm)).toEqual(['#EXT-X-MAP:URI="init.mp4"']);
    expect(text.indexOf('#EXT-X-MAP')).toBeLessThan(text.indexOf('#EXTINF'));
    expect(text).not.toContain('#EXT-X-ENDLIST');
    const segments = listedSegments(text);
    expect(segments.map((s) => s.uri)).toEqual([0, 1, 2, 3, 4, 5].map((n) => `seq-${n}.m4s`));
    expect(segments.every((s) => s.duration === 4)).toBe(true);
  });

  it('advances one sequence per 4 s and marks every loop boundary', async () => {
    const at = async (ms: number): Promise<string> => {
      clock = start + ms;
      return getText(live('180p', 'index.m3u8'));
    };
    const first = await at(0);
    expect(mediaSequence(first)).toBe(0);
    expect(tagValue(first, 'EXT-X-DISCONTINUITY-SEQUENCE')).toBe('0');
    const flagged = listedSegments(first).filter((s) => s.discontinuity);
    expect(flagged.map((s) => s.uri)).toEqual(['seq-4.m4s']); // the second loop's first segment
    expect(mediaSequence(await at(SEGMENT_MS - 1))).toBe(0);
    expect(mediaSequence(await at(SEGMENT_MS))).toBe(1);

    const later = await at(10 * SEGMENT_MS); // 16 published: window 10..15
    expect(mediaSequence(later)).toBe(10);
    expect(tagValue(later, 'EXT-X-DISCONTINUITY-SEQUENCE')).toBe('2'); // boundaries 4 and 8
    const segments = listedSegments(later);
    expect(segments.filter((s) => s.discontinuity).map((s) => s.uri)).toEqual(['seq-12.m4s']);
    expect(later.match(/^#EXT-X-MAP:URI="init\.mp4"$/gm)).toHaveLength(1);
    const dates = later.match(/^#EXT-X-PROGRAM-DATE-TIME:(.*)$/gm) ?? [];
    const times = dates.map((d) => Date.parse(d.slice('#EXT-X-PROGRAM-DATE-TIME:'.length)));
    expect(times.slice(1).map((t, i) => t - (times[i] ?? 0))).toEqual([
      4000, 4000, 4000, 4000, 4000,
    ]);
  });

  it('serves seq-N.m4s as fixture segment N mod 4, and 404 for .ts names', async () => {
    clock = start + 10 * SEGMENT_MS;
    for (const rendition of RENDITIONS) {
      for (const seq of [10, 12, 15]) {
        const res = await httpRequest(live(rendition, `seq-${seq}.m4s`));
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe('video/iso.segment');
        expect(res.headers['cache-control']).toBe('no-store');
        const segment = await fixtureFile(`${rendition}/seg${seq % SEGMENTS}.m4s`);
        expect(res.body.equals(segment), `${rendition} seq-${seq}`).toBe(true);
      }
    }
    expect((await httpRequest(live('180p', 'seq-16.m4s'))).status).toBe(404); // not yet published
    expect((await httpRequest(live('180p', 'seq-12.ts'))).status).toBe(404);
    expect((await httpRequest(live('180p', 'seg0.m4s'))).status).toBe(404);
  });

  it('serves the same init.mp4 in every loop, as video/mp4, with ranges', async () => {
    for (const rendition of RENDITIONS) {
      const init = await fixtureFile(`${rendition}/init.mp4`);
      for (const ms of [0, 100 * SEGMENT_MS]) {
        clock = start + ms;
        const res = await httpRequest(live(rendition, 'init.mp4'));
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe('video/mp4');
        expect(res.body.equals(init)).toBe(true);
      }
    }
    const ranged = await httpRequest(live('360p', 'init.mp4'), { headers: { Range: 'bytes=0-7' } });
    expect(ranged.status).toBe(206);
    expect(ranged.body.subarray(4).toString()).toBe('ftyp');
  });

  it('counts init segments as segment traffic and propagates ?client= into the map', async () => {
    const text = await getText(`${live('360p', 'index.m3u8')}?client=viewer`);
    expect(text).toContain('#EXT-X-MAP:URI="init.mp4?client=viewer"');
    expect(uriLines(text)[0]).toBe('seq-0.m4s?client=viewer');
    const init = await httpRequest(new URL('init.mp4?client=viewer', live('360p', '')).href);
    expect(origin.stats().clients.viewer).toMatchObject({
      segmentRequests: 1,
      segmentBytes: init.body.length,
      playlistRequests: 1,
    });
  });
});

describe('fMP4 VOD', () => {
  it('serves every fixture file byte for byte, typed by extension', async () => {
    const types: Record<string, string> = {
      m3u8: 'application/vnd.apple.mpegurl',
      mp4: 'video/mp4',
      m4s: 'video/iso.segment',
    };
    const files = [
      'master.m3u8',
      ...RENDITIONS.flatMap((r) => [
        `${r}/index.m3u8`,
        `${r}/init.mp4`,
        `${r}/seg0.m4s`,
        `${r}/seg3.m4s`,
      ]),
    ];
    for (const file of files) {
      const res = await httpRequest(`${origin.url}/vod/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.body.equals(await fixtureFile(file)), file).toBe(true);
      expect(res.headers['content-type'], file).toBe(types[file.split('.').pop() ?? '']);
    }
    const playlist = await getText(`${origin.url}/vod/720p/index.m3u8`);
    expect(playlist).toContain('#EXT-X-MAP:URI="init.mp4"');
    expect((await httpRequest(`${origin.url}/vod/720p/seg4.m4s`)).status).toBe(404);
  });
});

describe('the TS fixture', () => {
  it('has no init segment and no .m4s names', async () => {
    const ts = await startLiveOrigin({ now: () => clock });
    try {
      expect((await httpRequest(`${ts.url}/live/240p/init.mp4`)).status).toBe(404);
      expect((await httpRequest(`${ts.url}/live/240p/seq-0.m4s`)).status).toBe(404);
      expect((await httpRequest(`${ts.url}/live/240p/seq-0.ts`)).status).toBe(200);
      expect(await getText(`${ts.url}/live/240p/index.m3u8`)).not.toContain('#EXT-X-MAP');
    } finally {
      await ts.close();
    }
  });
});
