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
