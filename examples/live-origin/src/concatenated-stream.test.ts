import { describe, expect, it } from 'vitest';
import { FMP4_FIXTURE_DIR, TS_FIXTURE_DIR } from './bundled-fixtures.js';
import { concatenateFixture, streamFileName } from './concatenated-stream.js';
import { loadFixture, type Fixture } from './fixture.js';
import { renderVodByteRangePlaylist } from './vod-playlist.js';

describe('concatenateFixture', () => {
  it('puts every fixture segment at its range of one file per rendition', async () => {
    for (const dir of [TS_FIXTURE_DIR, FMP4_FIXTURE_DIR]) {
      const fixture = await loadFixture(dir);
      const streams = concatenateFixture(fixture);
      expect([...streams.keys()]).toEqual(fixture.renditions.map((r) => r.name));
      for (const rendition of fixture.renditions) {
        const stream = streams.get(rendition.name);
        expect(stream?.fileName).toBe(streamFileName(fixture.format));
        expect(stream?.vodPath).toBe(`${rendition.name}/${stream?.fileName}`);
        const total = rendition.segments.reduce((sum, s) => sum + s.bytes.length, 0);
        expect(stream?.bytes.length).toBe(total);
        rendition.segments.forEach((segment, i) => {
          const range = stream?.ranges[i];
          const slice = stream?.bytes.subarray(
            range?.offset,
            (range?.offset ?? 0) + (range?.length ?? 0),
          );
          expect(slice?.equals(segment.bytes)).toBe(true);
        });
      }
    }
    expect(streamFileName('ts')).toBe('stream.ts');
    expect(streamFileName('fmp4')).toBe('stream.m4s');
  });

  it('refuses renditions whose media playlists share a folder', async () => {
    const fixture = await loadFixture(TS_FIXTURE_DIR);
    const shared: Fixture = {
      ...fixture,
      renditions: fixture.renditions.map((r) => ({ ...r, playlistPath: `${r.name}.m3u8` })),
    };
    expect(() => concatenateFixture(shared)).toThrow(/give every media playlist its own folder/);
  });
});

describe('renderVodByteRangePlaylist', () => {
  it('lists the fixture segments as byte ranges, keeping the init segment a file', async () => {
    const fixture = await loadFixture(FMP4_FIXTURE_DIR);
    const rendition = fixture.renditions[2];
    if (rendition === undefined) throw new Error('no 720p');
    const stream = concatenateFixture(fixture).get(rendition.name);
    if (stream === undefined) throw new Error('no stream');
    const text = renderVodByteRangePlaylist(rendition, stream, 'v1');
    expect(text).toMatch(/^#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n/);
    expect(text).toContain('#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-MAP:URI="init.mp4?client=v1"\n');
    expect(text.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    const ranges = [...text.matchAll(/#EXT-X-BYTERANGE:(\d+)@(\d+)\nstream\.m4s\?client=v1\n/g)];
    expect(
      ranges.map(([, length, offset]) => ({ length: Number(length), offset: Number(offset) })),
    ).toEqual(stream.ranges);
    expect(text.match(/^#EXTINF:4\.000,$/gm)).toHaveLength(4);
  });
});
