import { describe, expect, it } from 'vitest';
import { DEFAULT_SUPPORTER_CONFIG, isSelected, mergeSupporterConfig } from './config.js';

describe('mergeSupporterConfig', () => {
  it('fills defaults and derives the stream id from the URL', () => {
    const config = mergeSupporterConfig({
      streamUrl: 'http://origin/live/master.m3u8',
      maxPeers: undefined,
    });
    expect(config.streamId).toBe('live_master');
    expect(config.maxPeers).toBe(DEFAULT_SUPPORTER_CONFIG.maxPeers);
    expect(config.maxUploadKbps).toBe(Infinity);
    expect(config.engine).toEqual({ keepBehindSegments: 12 });
  });

  it('keeps engine overrides over its defaults', () => {
    const config = mergeSupporterConfig({
      streamUrl: 'http://origin/live/master.m3u8',
      engine: { keepBehindSegments: 3, storeMaxBytes: 1e6 },
    });
    expect(config.engine).toEqual({ keepBehindSegments: 3, storeMaxBytes: 1e6 });
  });

  it('rejects bad values with a clear message', () => {
    const streamUrl = 'http://origin/live/master.m3u8';
    expect(() => mergeSupporterConfig({ streamUrl: 'origin/master.m3u8' })).toThrow(/http\(s\)/);
    expect(() => mergeSupporterConfig({ streamUrl, maxUploadKbps: 0 })).toThrow(/max upload/);
    expect(() => mergeSupporterConfig({ streamUrl, maxPeers: 0 })).toThrow(/max peers/);
    expect(() => mergeSupporterConfig({ streamUrl, renditions: [] })).toThrow(/at least one/);
    expect(() => mergeSupporterConfig({ streamUrl, playlistRefreshMs: 10 })).toThrow(/100 ms/);
  });
});

describe('isSelected', () => {
  const url = 'http://origin/live/240p/index.m3u8';
  it('matches the rendition id or one of its parts', () => {
    expect(isSelected(url, undefined)).toBe(true);
    expect(isSelected(url, ['live_240p_index'])).toBe(true);
    expect(isSelected(url, ['360p', '240p'])).toBe(true);
    expect(isSelected(url, ['360p'])).toBe(false);
    expect(isSelected(url, ['24'])).toBe(false);
  });
});
