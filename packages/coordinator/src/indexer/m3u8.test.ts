import { describe, expect, it } from 'vitest';
import { parsePlaylist, PlaylistError } from './m3u8.js';

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

  it('numbers media segments from #EXT-X-MEDIA-SEQUENCE and sees #EXT-X-ENDLIST', () => {
    const media =
      '#EXTM3U\r\n#EXT-X-TARGETDURATION:2\r\n#EXT-X-MEDIA-SEQUENCE:41\r\n#EXTINF:2,\r\nseq-41.ts\r\n#EXT-X-DISCONTINUITY\r\n#EXTINF:2,\r\nseq-42.ts\r\n#EXT-X-ENDLIST\r\n';
    expect(parsePlaylist(media, 'http://o.example/live/240p/index.m3u8')).toEqual({
      kind: 'media',
      playlist: {
        targetDuration: 2,
        mediaSequence: 41,
        ended: true,
        segments: [
          { sequence: 41, url: 'http://o.example/live/240p/seq-41.ts' },
          { sequence: 42, url: 'http://o.example/live/240p/seq-42.ts' },
        ],
      },
    });
  });

  it('rejects text that is not a playlist or has a bad media sequence', () => {
    expect(() => parsePlaylist('<html>', 'http://o.example/x.m3u8')).toThrow(PlaylistError);
    expect(() =>
      parsePlaylist('#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:-3\n', 'http://o.example/x.m3u8'),
    ).toThrow(PlaylistError);
  });
});
