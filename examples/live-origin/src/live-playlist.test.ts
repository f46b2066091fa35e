import { describe, expect, it } from 'vitest';
import {
  liveSegmentName,
  renderLiveMasterPlaylist,
  renderLiveMediaPlaylist,
  type LiveMediaPlaylistInput,
} from './live-playlist.js';
import { createLiveTimeline, liveWindow } from './live-timeline.js';

const timeline = createLiveTimeline(Array.from({ length: 20 }, () => 2000));
const epochMs = Date.UTC(2030, 0, 1);

function render(elapsed: number, client?: string): string[] {
  return renderLiveMediaPlaylist({
    window: liveWindow(timeline, elapsed, 6),
    targetDurationS: 2,
    epochMs,
    format: 'ts',
    version: 3,
    client,
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

// The fMP4 fixture's shape: 4 segments of 4 s, so a window of 6 always spans a loop boundary.
const fmp4Timeline = createLiveTimeline([4000, 4000, 4000, 4000]);

function renderFmp4(elapsed: number, extra: Partial<LiveMediaPlaylistInput> = {}): string[] {
  return renderLiveMediaPlaylist({
    window: liveWindow(fmp4Timeline, elapsed, 6),
    targetDurationS: 4,
    epochMs,
    format: 'fmp4',
    version: 7,
    ...extra,
  }).split('\n');
}

describe('renderLiveMediaPlaylist for fMP4', () => {
  it('names the init segment once and the segments seq-N.m4s', () => {
    const lines = renderFmp4(24_000); // 6 published: 0..5
    expect(lines.slice(0, 6)).toEqual([
      '#EXTM3U',
      '#EXT-X-VERSION:7',
      '#EXT-X-TARGETDURATION:4',
      '#EXT-X-MEDIA-SEQUENCE:0',
      '#EXT-X-DISCONTINUITY-SEQUENCE:0',
      '#EXT-X-MAP:URI="init.mp4"',
    ]);
    expect(lines.filter((l) => l.startsWith('#EXT-X-MAP'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('seq-'))).toEqual(
      [0, 1, 2, 3, 4, 5].map((n) => `seq-${n}.m4s`),
    );
    expect(lines.filter((l) => l === '#EXTINF:4.000,')).toHaveLength(6);
    const tag = lines.indexOf('#EXT-X-DISCONTINUITY');
    expect(lines[tag - 1]).toBe('seq-3.m4s');
    expect(lines[tag + 3]).toBe('seq-4.m4s');
  });

  it('counts loop boundaries that slid out in the discontinuity sequence', () => {
    const lines = renderFmp4(60_000); // 15 published: window 9..14, boundary at 12 listed
    expect(lines).toContain('#EXT-X-MEDIA-SEQUENCE:9');
    expect(lines).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:2'); // boundaries 4 and 8
    expect(lines.filter((l) => l === '#EXT-X-DISCONTINUITY')).toHaveLength(1);
  });

  it('propagates the client id into the map URI too', () => {
    const lines = renderFmp4(24_000, { client: 'v1' });
    expect(lines).toContain('#EXT-X-MAP:URI="init.mp4?client=v1"');
    expect(lines).toContain('seq-0.m4s?client=v1');
  });
});

describe('renderLiveMediaPlaylist with byte ranges', () => {
  const stream = {
    fileName: 'stream.m4s',
    ranges: [
      { length: 100, offset: 0 },
      { length: 200, offset: 100 },
      { length: 300, offset: 300 },
      { length: 400, offset: 600 },
    ],
  };

  it('addresses segment N as the range of fixture segment N mod count in one file', () => {
    const lines = renderFmp4(24_000, { stream });
    const uris = lines.filter((l) => l !== '' && !l.startsWith('#'));
    expect(uris).toEqual(Array.from({ length: 6 }, () => 'stream.m4s'));
    expect(lines.filter((l) => l.startsWith('#EXT-X-BYTERANGE:'))).toEqual([
      '#EXT-X-BYTERANGE:100@0',
      '#EXT-X-BYTERANGE:200@100',
      '#EXT-X-BYTERANGE:300@300',
      '#EXT-X-BYTERANGE:400@600',
      '#EXT-X-BYTERANGE:100@0',
      '#EXT-X-BYTERANGE:200@100',
    ]);
    const first = lines.indexOf('#EXT-X-BYTERANGE:100@0');
    expect(lines[first - 1]).toBe('#EXTINF:4.000,');
    expect(lines[first + 1]).toBe('stream.m4s');
    expect(lines).toContain('#EXT-X-MAP:URI="init.mp4"');
  });

  it('raises the version to 4 for a TS fixture', () => {
    const ts = renderLiveMediaPlaylist({
      window: liveWindow(timeline, 14_000, 6),
      targetDurationS: 2,
      epochMs,
      format: 'ts',
      version: 3,
      stream: {
        fileName: 'stream.ts',
        ranges: Array.from({ length: 20 }, (_, i) => ({ length: 10, offset: 10 * i })),
      },
    });
    expect(ts).toContain('#EXT-X-VERSION:4\n');
    expect(ts).toContain('#EXT-X-BYTERANGE:10@10\nstream.ts\n');
    expect(ts).not.toContain('#EXT-X-MAP');
  });

  it('refuses a window segment the stream has no range for', () => {
    expect(() => renderFmp4(24_000, { stream: { fileName: 'stream.m4s', ranges: [] } })).toThrow(
      RangeError,
    );
  });
});

describe('liveSegmentName', () => {
  it('names segments by absolute sequence and format', () => {
    expect(liveSegmentName(1234)).toBe('seq-1234.ts');
    expect(liveSegmentName(1234, 'ts')).toBe('seq-1234.ts');
    expect(liveSegmentName(7, 'fmp4')).toBe('seq-7.m4s');
  });
});
