import { describe, expect, it } from 'vitest';
import { renderMediaPlaylist, requiredVersion, targetDurationS } from './media-playlist.js';

describe('renderMediaPlaylist', () => {
  it('writes a VOD playlist with a map and byte ranges, in the order players expect', () => {
    const text = renderMediaPlaylist({
      version: 7,
      targetDurationS: 4,
      mediaSequence: 0,
      vod: true,
      mapUri: 'init.mp4',
      segments: [
        { uri: 'stream.m4s', durationMs: 4000, byteRange: { length: 10, offset: 0 } },
        { uri: 'stream.m4s', durationMs: 3500, byteRange: { length: 20, offset: 10 } },
      ],
    });
    expect(text).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:7',
        '#EXT-X-TARGETDURATION:4',
        '#EXT-X-MEDIA-SEQUENCE:0',
        '#EXT-X-PLAYLIST-TYPE:VOD',
        '#EXT-X-MAP:URI="init.mp4"',
        '#EXTINF:4.000,',
        '#EXT-X-BYTERANGE:10@0',
        'stream.m4s',
        '#EXTINF:3.500,',
        '#EXT-X-BYTERANGE:20@10',
        'stream.m4s',
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'),
    );
  });

  it('writes a live playlist: discontinuity sequence, dates, no end', () => {
    const text = renderMediaPlaylist({
      version: 3,
      targetDurationS: 2,
      mediaSequence: 20,
      discontinuitySequence: 0,
      vod: false,
      segments: [{ uri: 'seq-20.ts', durationMs: 2000, discontinuity: true, programDateTimeMs: 0 }],
      client: 'a b',
    });
    expect(text).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        '#EXT-X-TARGETDURATION:2',
        '#EXT-X-MEDIA-SEQUENCE:20',
        '#EXT-X-DISCONTINUITY-SEQUENCE:0',
        '#EXT-X-DISCONTINUITY',
        '#EXT-X-PROGRAM-DATE-TIME:1970-01-01T00:00:00.000Z',
        '#EXTINF:2.000,',
        'seq-20.ts?client=a%20b',
        '',
      ].join('\n'),
    );
  });

  it('never writes a version below what its tags need', () => {
    const ranged = [{ uri: 's.ts', durationMs: 1000, byteRange: { length: 1, offset: 0 } }];
    expect(requiredVersion({ segments: ranged })).toBe(4);
    expect(requiredVersion({ segments: ranged, mapUri: 'init.mp4' })).toBe(6);
    expect(requiredVersion({ segments: [{ uri: 's.ts', durationMs: 1000 }] })).toBe(1);
    const text = renderMediaPlaylist({
      version: 3,
      targetDurationS: 1,
      mediaSequence: 0,
      vod: true,
      segments: ranged,
    });
    expect(text).toContain('#EXT-X-VERSION:4\n');
  });
});

describe('targetDurationS', () => {
  it('rounds per RFC 8216', () => {
    expect(targetDurationS([2000, 2000])).toBe(2);
    expect(targetDurationS([2000, 2499])).toBe(2);
    expect(targetDurationS([2000, 2500])).toBe(3);
    expect(targetDurationS([4000, 4000])).toBe(4);
    expect(targetDurationS([200])).toBe(1);
  });
});
