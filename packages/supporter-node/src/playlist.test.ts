import { describe, expect, it } from 'vitest';
import { parseMediaPlaylist } from '@streamrp2p/protocol';
import { remainingWindowMs } from './playlist.js';

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

describe('remainingWindowMs', () => {
  it('gives each segment the time it stays in the window', () => {
    const parsed = parseMediaPlaylist(media, 'http://origin/live/240p/index.m3u8');
    expect(remainingWindowMs(parsed, 40)).toBe(2000);
    expect(remainingWindowMs(parsed, 42)).toBe(5500);
  });
});
