import { describe, expect, it } from 'vitest';
import { parseMediaPlaylist, parsePlaylist, PlaylistError, renditionUrls } from './playlist.js';

describe('parsePlaylist', () => {
  it('reads variants and alternate media of a master playlist as absolute URLs', () => {
    const master = [
      '#EXTM3U',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",URI="audio/en.m3u8"',
      '#EXT-X-STREAM-INF:BANDWIDTH=1',
      '240p/index.m3u8?client=x',
      '#EXT-X-STREAM-INF:BANDWIDTH=2',
      'https://other.example/360p.m3u8',
      '#EXT-X-STREAM-INF:BANDWIDTH=3',
      '240p/index.m3u8?client=x',
    ].join('\n');
    expect(parsePlaylist(master, 'http://o.example/live/master.m3u8')).toEqual({
      kind: 'master',
      variants: [
        { url: 'http://o.example/live/audio/en.m3u8' },
        { url: 'http://o.example/live/240p/index.m3u8?client=x' },
        { url: 'https://other.example/360p.m3u8' },
      ],
    });
  });

  it('numbers media segments from #EXT-X-MEDIA-SEQUENCE, keeps durations and sees #EXT-X-ENDLIST', () => {
    const media =
      '#EXTM3U\r\n#EXT-X-TARGETDURATION:2\r\n#EXT-X-MEDIA-SEQUENCE:41\r\n#EXTINF:2.000,\r\nseq-41.ts\r\n#EXT-X-DISCONTINUITY\r\n#EXTINF:1.5,\r\nseq-42.ts\r\nseq-43.ts\r\n#EXT-X-ENDLIST\r\n';
    expect(parsePlaylist(media, 'http://o.example/live/240p/index.m3u8')).toEqual({
      kind: 'media',
      playlist: {
        targetDuration: 2,
        mediaSequence: 41,
        ended: true,
        segments: [
          { sequence: 41, url: 'http://o.example/live/240p/seq-41.ts', duration: 2 },
          { sequence: 42, url: 'http://o.example/live/240p/seq-42.ts', duration: 1.5 },
          // No #EXTINF of its own: not the previous segment's.
          { sequence: 43, url: 'http://o.example/live/240p/seq-43.ts', duration: 0 },
        ],
      },
    });
  });

  it('rejects text that is not a playlist or has a bad media sequence or target duration', () => {
    expect(() => parsePlaylist('<html>', 'http://o.example/x.m3u8')).toThrow(PlaylistError);
    expect(() => parsePlaylist('', 'http://o.example/x.m3u8')).toThrow(/not an HLS playlist/);
    expect(() =>
      parsePlaylist('#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:-3\n', 'http://o.example/x.m3u8'),
    ).toThrow(/bad #EXT-X-MEDIA-SEQUENCE/);
    expect(() =>
      parsePlaylist('#EXTM3U\n#EXT-X-TARGETDURATION:x\n', 'http://o.example/x.m3u8'),
    ).toThrow(/bad #EXT-X-TARGETDURATION/);
  });
});

describe('parsePlaylist byte ranges and init sections', () => {
  const base = 'http://o.example/vod/index.m3u8';
  const media = (...body: string[]) => parseMediaPlaylist(['#EXTM3U', ...body].join('\n'), base);

  it('continues a range without an offset where the previous range of the same URI ended (RFC 8216 4.3.2.2)', () => {
    // The RFC's example: 75232@0 then 82112 (implicit) then 69864 (implicit).
    const segments = media(
      '#EXT-X-MEDIA-SEQUENCE:10',
      '#EXTINF:10,',
      '#EXT-X-BYTERANGE:75232@0',
      'segment.ts',
      '#EXTINF:10,',
      '#EXT-X-BYTERANGE:82112',
      'segment.ts',
      '#EXTINF:10,',
      '#EXT-X-BYTERANGE:69864',
      'segment.ts',
    ).segments;
    const url = 'http://o.example/vod/segment.ts';
    expect(segments).toEqual([
      { sequence: 10, url, duration: 10, range: { start: 0, end: 75232 } },
      { sequence: 11, url, duration: 10, range: { start: 75232, end: 157344 } },
      { sequence: 12, url, duration: 10, range: { start: 157344, end: 227208 } },
    ]);
  });

  it('applies a range to the next URI only, so a later whole-file segment has none', () => {
    const segments = media(
      '#EXT-X-BYTERANGE:100@50',
      'a.ts',
      '#EXT-X-BYTERANGE:10@0',
      'b.ts',
      '#EXT-X-BYTERANGE:5',
      'b.ts',
      'c.ts',
    ).segments;
    expect(segments.map((s) => [s.sequence, s.url.slice(-4), s.range])).toEqual([
      [0, 'a.ts', { start: 50, end: 150 }],
      [1, 'b.ts', { start: 0, end: 10 }],
      [2, 'b.ts', { start: 10, end: 15 }],
      [3, 'c.ts', undefined],
    ]);
    expect('range' in segments[3]!).toBe(false);
  });

  it('gives each segment the #EXT-X-MAP above it, with its BYTERANGE, and follows a change mid-playlist', () => {
    const segments = media(
      'before-map.ts',
      '#EXT-X-MAP:URI="main.mp4",BYTERANGE="720@0"',
      '#EXT-X-BYTERANGE:1000@720',
      'main.mp4',
      '#EXT-X-BYTERANGE:2000',
      'main.mp4',
      '#EXT-X-DISCONTINUITY',
      '#EXT-X-MAP:URI="../ad/init.mp4"',
      'http://ads.example/ad/1.m4s',
      '#EXT-X-MAP:BYTERANGE="64",URI="tail.mp4"',
      'tail.m4s',
    ).segments;
    const main = { url: 'http://o.example/vod/main.mp4', range: { start: 0, end: 720 } };
    expect(segments.map((s) => [s.sequence, s.range, s.map])).toEqual([
      [0, undefined, undefined],
      [1, { start: 720, end: 1720 }, main],
      [2, { start: 1720, end: 3720 }, main],
      [3, undefined, { url: 'http://o.example/ad/init.mp4' }],
      // A map has no previous range to continue: no offset means 0, as hls.js reads it.
      [4, undefined, { url: 'http://o.example/vod/tail.mp4', range: { start: 0, end: 64 } }],
    ]);
    expect('map' in segments[0]!).toBe(false);
    expect('range' in segments[3]!.map!).toBe(false);
  });

  it('rejects a range without an offset that has no previous range of the same URI to continue', () => {
    expect(() => media('#EXT-X-BYTERANGE:100', 'a.ts')).toThrow(
      /#EXT-X-BYTERANGE:100 for http:\/\/o.example\/vod\/a.ts has no offset/,
    );
    expect(() => media('#EXT-X-BYTERANGE:100@0', 'a.ts', '#EXT-X-BYTERANGE:100', 'b.ts')).toThrow(
      PlaylistError,
    );
    expect(() => media('a.ts', '#EXT-X-BYTERANGE:100', 'a.ts')).toThrow(/has no offset/);
  });

  it('rejects malformed byte ranges and maps with a clear error', () => {
    for (const bad of [
      '',
      'x',
      '-5@0',
      '10@',
      '@10',
      '10@-1',
      '1.5@0',
      '0@10',
      '10@5@5',
      '9007199254740992@1',
    ]) {
      expect(() => media(`#EXT-X-BYTERANGE:${bad}`, 'a.ts'), bad).toThrow(
        `${base}: bad #EXT-X-BYTERANGE "${bad}" (expected <length>[@<offset>], length >= 1)`,
      );
    }
    expect(() => media('#EXT-X-MAP:BYTERANGE="10@0"', 'a.ts')).toThrow(
      `${base}: #EXT-X-MAP without a URI attribute`,
    );
    expect(() => media('#EXT-X-MAP:URI=""', 'a.ts')).toThrow(/#EXT-X-MAP without a URI/);
    expect(() => media('#EXT-X-MAP:URI="i.mp4",BYTERANGE="ten"', 'a.ts')).toThrow(
      `${base}: bad #EXT-X-MAP BYTERANGE "ten"`,
    );
    // An implicit offset that pushes the end past 2^53 is refused, not rounded.
    expect(() =>
      media('#EXT-X-BYTERANGE:9007199254740990@0', 'a.ts', '#EXT-X-BYTERANGE:10', 'a.ts'),
    ).toThrow(/ends past 2\^53/);
  });
});

describe('parseMediaPlaylist', () => {
  it('returns the media playlist and refuses a master', () => {
    const media = '#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:7\n#EXTINF:2,\na.ts\n';
    expect(parseMediaPlaylist(media, 'http://o.example/p/index.m3u8').segments).toEqual([
      { sequence: 7, url: 'http://o.example/p/a.ts', duration: 2 },
    ]);
    const master = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n';
    expect(() => parseMediaPlaylist(master, 'http://o.example/m.m3u8')).toThrow(
      /is a master playlist/,
    );
  });
});

describe('renditionUrls', () => {
  const master = `#EXTM3U
#EXT-X-STREAM-INF:BANDWIDTH=328624
240p/index.m3u8?client=a
#EXT-X-STREAM-INF:BANDWIDTH=721920
https://cdn.example.com/live/360p/index.m3u8
`;

  it('lists the renditions of a master playlist as absolute URLs', () => {
    expect(renditionUrls(master, 'http://origin/live/master.m3u8')).toEqual([
      'http://origin/live/240p/index.m3u8?client=a',
      'https://cdn.example.com/live/360p/index.m3u8',
    ]);
  });

  it('treats a media playlist given as master as the only rendition', () => {
    const url = 'http://origin/live/240p/index.m3u8';
    const media = '#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:40\n#EXTINF:2,\nseg40.ts\n';
    expect(renditionUrls(media, url)).toEqual([url]);
  });

  it('rejects what is not a playlist', () => {
    expect(() => renditionUrls('<html>', 'http://x/')).toThrow(/not an HLS playlist/);
  });
});
