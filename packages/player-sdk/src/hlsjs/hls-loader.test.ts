import { describe, expect, it } from 'vitest';
import { isValidId } from '@streamrp2p/protocol';
import { playbackDeadlineMs, renditionId, renditionsNear } from './hls-loader.js';

describe('renditionId', () => {
  it('is the playlist path without extension, as an id', () => {
    expect(renditionId('https://cdn.example.com/live/360p/index.m3u8')).toBe('live_360p_index');
  });

  it('ignores the query and fragment (per-viewer tokens must not split the swarm)', () => {
    const id = renditionId('https://cdn.example.com/live/360p/index.m3u8');
    expect(renditionId('https://cdn.example.com/live/360p/index.m3u8?token=abc&client=v1')).toBe(
      id,
    );
    expect(renditionId('https://cdn.example.com/live/360p/index.m3u8#t=10')).toBe(id);
  });

  it('is the same for the same path on different hosts, ports and schemes', () => {
    const id = renditionId('https://cdn-a.example.com/live/360p/index.m3u8');
    expect(renditionId('http://cdn-b.example.net:8080/live/360p/index.m3u8?x=1')).toBe(id);
    expect(renditionId('http://127.0.0.1:43121/live/360p/index.m3u8')).toBe(id);
  });

  it('differs between renditions', () => {
    expect(renditionId('https://h/live/360p/index.m3u8')).not.toBe(
      renditionId('https://h/live/240p/index.m3u8'),
    );
  });

  it('strips .m3u8 in any case', () => {
    expect(renditionId('https://h/a/B.M3U8')).toBe('a_B');
  });

  it('handles relative URLs the same way', () => {
    expect(renditionId('/live/360p/index.m3u8?token=1')).toBe('live_360p_index');
    expect(renditionId('live/360p/index.m3u8')).toBe('live_360p_index');
  });

  it('always gives a valid id (the tracker rejects anything else)', () => {
    const urls = [
      'https://h/',
      'https://h',
      'https://h/ünïcødé/spaced%20name/index.m3u8',
      'https://h/a//b///c.m3u8',
      'https://h/__/x.m3u8',
      'https://h/a:b/c;d=e/f.m3u8',
      'https://h/.m3u8',
      `https://h/${'deep/'.repeat(100)}index.m3u8`,
      '',
      '???',
    ];
    for (const url of urls) {
      const id = renditionId(url);
      expect(isValidId(id), `${url} -> ${id}`).toBe(true);
    }
  });

  it('falls back to "default" when the path holds no usable character', () => {
    expect(renditionId('https://h/')).toBe('default');
    expect(renditionId('https://h/.m3u8')).toBe('default');
  });

  it('keeps the end of a long path, so renditions that differ at the end stay apart', () => {
    const prefix = `https://h/${'x'.repeat(300)}`;
    const low = renditionId(`${prefix}/240p/index.m3u8`);
    const high = renditionId(`${prefix}/360p/index.m3u8`);
    expect(low).toHaveLength(128);
    expect(high).toHaveLength(128);
    expect(low).not.toBe(high);
    expect(low.endsWith('240p_index')).toBe(true);
  });
});

/** Just enough of an HTMLMediaElement for playbackDeadlineMs. */
function fakeMedia(options: {
  currentTime: number;
  buffered: Array<[number, number]>;
  readyState?: number;
  playbackRate?: number;
}): HTMLMediaElement {
  const ranges = options.buffered;
  return {
    currentTime: options.currentTime,
    readyState: options.readyState ?? 4,
    playbackRate: options.playbackRate ?? 1,
    buffered: {
      length: ranges.length,
      start: (i: number) => ranges[i]![0],
      end: (i: number) => ranges[i]![1],
    },
  } as unknown as HTMLMediaElement;
}

describe('renditionsNear', () => {
  const ladder = ['180p', '360p', '480p', '720p', '1080p'].map((name) => ({
    uri: `https://cdn.example.com/live/${name}/index.m3u8?token=t`,
  }));
  const names = (ids: string[]) => ids.map((id) => id.replace(/^live_|_index$/g, ''));

  it('starts at the start level, then the nearest, the higher first at equal distance', () => {
    expect(names(renditionsNear(ladder, 0))).toEqual(['180p', '360p', '480p', '720p', '1080p']);
    expect(names(renditionsNear(ladder, 2))).toEqual(['480p', '720p', '360p', '1080p', '180p']);
    expect(names(renditionsNear(ladder, 4))).toEqual(['1080p', '720p', '480p', '360p', '180p']);
  });

  it('takes an unknown start level (-1) as the lowest, and one past the end as the highest', () => {
    expect(names(renditionsNear(ladder, -1))[0]).toBe('180p');
    expect(names(renditionsNear(ladder, 9))[0]).toBe('1080p');
  });

  it('names each rendition once, as the fragment loader does', () => {
    const redundant = [ladder[0]!, { uri: 'https://backup.example.com/live/180p/index.m3u8' }];
    expect(renditionsNear(redundant, 0)).toEqual([renditionId(ladder[0]!.uri)]);
    expect(renditionsNear([], 0)).toEqual([]);
  });
});

describe('playbackDeadlineMs', () => {
  it('is 0 (needed now) without media or before it can play', () => {
    expect(playbackDeadlineMs(null, 10)).toBe(0);
    expect(playbackDeadlineMs(undefined, 10)).toBe(0);
    expect(
      playbackDeadlineMs(fakeMedia({ currentTime: 0, buffered: [[0, 30]], readyState: 1 }), 10),
    ).toBe(0);
  });

  it('is the time until playback reaches the segment start', () => {
    const media = fakeMedia({ currentTime: 10, buffered: [[5, 20]] });
    expect(playbackDeadlineMs(media, 15)).toBe(5000);
  });

  it('is the time until the contiguous buffer runs out when that comes first', () => {
    const media = fakeMedia({ currentTime: 10, buffered: [[5, 20]] });
    expect(playbackDeadlineMs(media, 30)).toBe(10_000);
  });

  it('does not count buffer beyond a gap', () => {
    const media = fakeMedia({
      currentTime: 10,
      buffered: [
        [0, 5],
        [9, 15],
        [15.5, 40],
      ],
    });
    expect(playbackDeadlineMs(media, 30)).toBe(5000);
  });

  it('tolerates a tiny gap right at the playhead (range starting within 0.1 s)', () => {
    const media = fakeMedia({ currentTime: 10, buffered: [[10.05, 14]] });
    expect(playbackDeadlineMs(media, 20)).toBeCloseTo(4000, 6);
  });

  it('is 0 when nothing is buffered at the playhead', () => {
    expect(playbackDeadlineMs(fakeMedia({ currentTime: 10, buffered: [[12, 20]] }), 15)).toBe(0);
    expect(playbackDeadlineMs(fakeMedia({ currentTime: 10, buffered: [] }), 15)).toBe(0);
  });

  it('is 0 for a segment that starts in the past', () => {
    expect(playbackDeadlineMs(fakeMedia({ currentTime: 10, buffered: [[0, 20]] }), 8)).toBe(0);
  });

  it('scales with the playback rate', () => {
    const fast = fakeMedia({ currentTime: 10, buffered: [[0, 30]], playbackRate: 2 });
    expect(playbackDeadlineMs(fast, 14)).toBe(2000);
    const slow = fakeMedia({ currentTime: 10, buffered: [[0, 30]], playbackRate: 0.5 });
    expect(playbackDeadlineMs(slow, 14)).toBe(8000);
    const zero = fakeMedia({ currentTime: 10, buffered: [[0, 30]], playbackRate: 0 });
    expect(playbackDeadlineMs(zero, 14)).toBe(4000);
  });
});
