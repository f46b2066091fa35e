import { describe, expect, it } from 'vitest';
import {
  liveSegmentName,
  renderLiveMasterPlaylist,
  renderLiveMediaPlaylist,
  targetDurationS,
} from './live-playlist.js';
import { createLiveTimeline, liveWindow } from './live-timeline.js';

const timeline = createLiveTimeline(Array.from({ length: 20 }, () => 2000));
const epochMs = Date.UTC(2030, 0, 1);

function render(elapsed: number, client?: string): string[] {
  return renderLiveMediaPlaylist({
    window: liveWindow(timeline, elapsed, 6),
    targetDurationS: 2,
    epochMs,
    ...(client === undefined ? {} : { client }),
  }).split('\n');
}

describe('renderLiveMediaPlaylist', () => {
  it('writes a live sliding-window playlist', () => {
    const lines = render(14_000);
    expect(lines.slice(0, 5)).toEqual([
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      '#EXT-X-TARGETDURATION:2',
      '#EXT-X-MEDIA-SEQUENCE:1',
      '#EXT-X-DISCONTINUITY-SEQUENCE:0',
    ]);
    expect(lines.filter((l) => l.startsWith('seq-'))).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => `seq-${n}.ts`),
    );
    expect(lines.filter((l) => l === '#EXTINF:2.000,')).toHaveLength(6);
    expect(lines).not.toContain('#EXT-X-ENDLIST');
    expect(lines).not.toContain('#EXT-X-DISCONTINUITY');
    expect(lines.at(-1)).toBe('');
  });

  it('dates every segment from the epoch', () => {
    const dates = render(14_000).filter((l) => l.startsWith('#EXT-X-PROGRAM-DATE-TIME:'));
    expect(dates).toHaveLength(6);
    expect(dates[0]).toBe('#EXT-X-PROGRAM-DATE-TIME:2030-01-01T00:00:02.000Z');
    expect(dates[5]).toBe('#EXT-X-PROGRAM-DATE-TIME:2030-01-01T00:00:12.000Z');
  });

  it('puts #EXT-X-DISCONTINUITY right before the first segment of a new loop', () => {
    const lines = render(44_000); // 16..21
    const tag = lines.indexOf('#EXT-X-DISCONTINUITY');
    expect(lines.filter((l) => l === '#EXT-X-DISCONTINUITY')).toHaveLength(1);
    expect(lines.slice(tag + 1, tag + 4)).toEqual([
      '#EXT-X-PROGRAM-DATE-TIME:2030-01-01T00:00:40.000Z',
      '#EXTINF:2.000,',
      'seq-20.ts',
    ]);
    expect(lines[tag - 1]).toBe('seq-19.ts');
    expect(render(54_000)).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:1');
  });

  it('propagates the client id into every segment URI', () => {
    const uris = render(14_000, 'viewer 1').filter((l) => l.startsWith('seq-'));
    expect(uris).toHaveLength(6);
    for (const uri of uris) expect(uri).toMatch(/^seq-\d+\.ts\?client=viewer%201$/);
  });
});

describe('renderLiveMasterPlaylist', () => {
  const master = [
    '#EXTM3U',
    '#EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=426x240',
    'low/index.m3u8',
    '#EXT-X-STREAM-INF:BANDWIDTH=700000,RESOLUTION=640x360',
    'hd/main.m3u8',
    '',
  ].join('\n');
  const names = new Map([
    ['low/index.m3u8', 'low'],
    ['hd/main.m3u8', 'hd'],
  ]);

  it('points each variant at /live/<rendition>/index.m3u8, keeping the attributes', () => {
    expect(renderLiveMasterPlaylist(master, names)).toBe(
      master.replace('hd/main.m3u8', 'hd/index.m3u8'),
    );
  });

  it('propagates the client id', () => {
    const out = renderLiveMasterPlaylist(master, names, 'v1');
    expect(out).toContain('\nlow/index.m3u8?client=v1\n');
    expect(out).toContain('\nhd/index.m3u8?client=v1\n');
  });
});

describe('helpers', () => {
  it('names segments by absolute sequence', () => {
    expect(liveSegmentName(1234)).toBe('seq-1234.ts');
  });

  it('rounds the target duration per RFC 8216', () => {
    expect(targetDurationS([2000, 2000])).toBe(2);
    expect(targetDurationS([2000, 2499])).toBe(2);
    expect(targetDurationS([2000, 2500])).toBe(3);
    expect(targetDurationS([200])).toBe(1);
  });
});
