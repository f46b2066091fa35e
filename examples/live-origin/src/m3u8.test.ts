import { describe, expect, it } from 'vitest';
import { LiveOriginError } from './live-origin-error.js';
import {
  mapPlaylistUris,
  parseMasterPlaylist,
  parseMediaPlaylist,
  withClientQuery,
} from './m3u8.js';

describe('m3u8', () => {
  it('parses variants with their attributes', () => {
    const text = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,CODECS="a,b"\na/index.m3u8\n\n';
    expect(parseMasterPlaylist(text)).toEqual([
      { attributes: 'BANDWIDTH=1,CODECS="a,b"', uri: 'a/index.m3u8' },
    ]);
  });

  it('parses segments with durations, CRLF too', () => {
    const text =
      '#EXTM3U\r\n#EXT-X-TARGETDURATION:2\r\n#EXTINF:2.000000,\r\nseg0.ts\r\n#EXTINF:1.5,\r\nseg1.ts\r\n#EXT-X-ENDLIST\r\n';
    expect(parseMediaPlaylist(text)).toEqual({
      version: 1,
      mapUri: undefined,
      segments: [
        { duration: 2, uri: 'seg0.ts' },
        { duration: 1.5, uri: 'seg1.ts' },
      ],
    });
  });

  it('reads the version and the init segment of an fMP4 playlist', () => {
    const text = [
      '#EXTM3U',
      '#EXT-X-VERSION:7',
      '#EXT-X-TARGETDURATION:4',
      '#EXT-X-MAP:URI="init.mp4"',
      '#EXTINF:4.000000,',
      'seg0.m4s',
      '#EXT-X-ENDLIST',
    ].join('\n');
    expect(parseMediaPlaylist(text)).toEqual({
      version: 7,
      mapUri: 'init.mp4',
      segments: [{ duration: 4, uri: 'seg0.m4s' }],
    });
  });

  it('rejects what a looping origin cannot serve as whole files', () => {
    const playlist = (...tags: string[]): string =>
      ['#EXTM3U', ...tags, '#EXTINF:4,', 'seg0.m4s', ''].join('\n');
    expect(() => parseMediaPlaylist(playlist('#EXT-X-MAP:URI="a.mp4",BYTERANGE="10@0"'))).toThrow(
      /BYTERANGE map is not supported/,
    );
    expect(() =>
      parseMediaPlaylist(playlist('#EXT-X-MAP:URI="a.mp4"', '#EXT-X-MAP:URI="b.mp4"')),
    ).toThrow(/more than one #EXT-X-MAP/);
    expect(() => parseMediaPlaylist(playlist('#EXT-X-MAP:BYTERANGE="1@0",URI="a.mp4"'))).toThrow(
      /BYTERANGE map/,
    );
    expect(() => parseMediaPlaylist(playlist('#EXT-X-MAP:URI=""'))).toThrow(/no URI/);
    expect(() => parseMediaPlaylist(playlist('#EXT-X-BYTERANGE:100@0'))).toThrow(/whole files/);
    expect(() => parseMediaPlaylist(playlist('#EXT-X-VERSION:x'))).toThrow(/bad version/);
  });

  it('rejects playlists it cannot use', () => {
    expect(() => parseMediaPlaylist('seg0.ts')).toThrow(LiveOriginError);
    expect(() => parseMediaPlaylist('#EXTM3U\nseg0.ts\n')).toThrow(/no #EXTINF/);
    expect(() => parseMediaPlaylist('#EXTM3U\n#EXTINF:0,\nseg0.ts\n')).toThrow(/duration/);
    expect(() => parseMasterPlaylist('#EXTM3U\n')).toThrow(/no variants/);
  });

  it('rewrites URI lines and URI attributes, and nothing else', () => {
    const text = '#EXTM3U\r\n#EXT-X-MAP:URI="init.mp4"\r\n#EXTINF:2,\r\nseg0.ts\r\n\r\n';
    expect(mapPlaylistUris(text, (u) => `x/${u}`)).toBe(
      '#EXTM3U\r\n#EXT-X-MAP:URI="x/init.mp4"\r\n#EXTINF:2,\r\nx/seg0.ts\r\n\r\n',
    );
  });

  it('appends the client to the query string', () => {
    expect(withClientQuery('a.ts', 'v 1')).toBe('a.ts?client=v%201');
    expect(withClientQuery('a.ts?x=1', 'v')).toBe('a.ts?x=1&client=v');
  });
});
