import { describe, expect, it } from 'vitest';
import { parseMediaPlaylist } from '@streamrp2p/protocol';
import { parseMasterPlaylist, remainingWindowMs } from './playlist.js';

const master = `#EXTM3U
#EXT-X-STREAM-INF:BANDWIDTH=328624
240p/index.m3u8?client=a
#EXT-X-STREAM-INF:BANDWIDTH=721920
https://cdn.example.com/live/360p/index.m3u8
`;

const media = `#EXTM3U
#EXT-X-TARGETDURATION:2
#EXT-X-MEDIA-SEQUENCE:40
#EXTINF:2.000,
seg40.ts
#EXTINF:2.000,
seg41.ts
#EXTINF:1.500,
seg42.ts
`;

describe('playlists', () => {
  it('lists the renditions of a master playlist as absolute URLs', () => {
    expect(parseMasterPlaylist(master, 'http://origin/live/master.m3u8')).toEqual([
      'http://origin/live/240p/index.m3u8?client=a',
      'https://cdn.example.com/live/360p/index.m3u8',
    ]);
  });

  it('treats a media playlist given as master as the only rendition', () => {
    const url = 'http://origin/live/240p/index.m3u8';
    expect(parseMasterPlaylist(media, url)).toEqual([url]);
  });

  it('rejects what is not a playlist', () => {
    expect(() => parseMasterPlaylist('<html>', 'http://x/')).toThrow(/not an HLS playlist/);
  });

  it('gives each segment the time it stays in the window', () => {
    const parsed = parseMediaPlaylist(media, 'http://origin/live/240p/index.m3u8');
    expect(remainingWindowMs(parsed, 40)).toBe(2000);
    expect(remainingWindowMs(parsed, 42)).toBe(5500);
  });
});
