import { describe, expect, it } from 'vitest';
import { contentTypeFor, SEGMENT_EXTENSION } from './container.js';

describe('container', () => {
  it('types files by extension', () => {
    expect(contentTypeFor('240p/seg0.ts')).toBe('video/mp2t');
    expect(contentTypeFor('seq-12.m4s')).toBe('video/iso.segment');
    expect(contentTypeFor('init.mp4')).toBe('video/mp4');
    expect(contentTypeFor('index.m3u8')).toBe('application/vnd.apple.mpegurl');
    expect(contentTypeFor('STREAM.TS')).toBe('video/mp2t');
    expect(contentTypeFor('notes')).toBe('application/octet-stream');
  });

  it('names live segments .ts or .m4s', () => {
    expect(SEGMENT_EXTENSION).toEqual({ ts: 'ts', fmp4: 'm4s' });
  });
});
