import { describe, expect, it } from 'vitest';
import type { EngineStats } from '../p2p/engine-types.js';
import { nativeStats } from './native-playback.js';
import { overlayText } from './overlay.js';

function stats(patch: Partial<EngineStats>): EngineStats {
  return { ...nativeStats(), peerId: 'me', consumeOnly: false, ...patch };
}

describe('overlayText', () => {
  it('shows share, peers, bytes down (with the P2P part) and bytes up, one per line', () => {
    const text = overlayText(
      stats({
        httpBytes: 3 * 1024 * 1024,
        p2pBytes: 1024 * 1024,
        p2pShare: 0.25,
        peers: 3,
        uploadedBytes: 2048,
      }),
    );
    expect(text.split('\n')).toEqual([
      'P2P 25% · 3 peers',
      'down 4.0 MiB (p2p 1.0 MiB)',
      'up 2 KiB',
    ]);
  });

  it('starts at zero', () => {
    expect(overlayText(stats({})).split('\n')).toEqual([
      'P2P 0% · 0 peers',
      'down 0 B (p2p 0 B)',
      'up 0 B',
    ]);
  });

  it('says "peer" for one peer', () => {
    expect(overlayText(stats({ peers: 1 }))).toContain('· 1 peer\n');
  });

  it('formats bytes, KiB and MiB at their boundaries', () => {
    expect(overlayText(stats({ uploadedBytes: 1023 }))).toContain('up 1023 B');
    expect(overlayText(stats({ uploadedBytes: 1024 }))).toContain('up 1 KiB');
    expect(overlayText(stats({ uploadedBytes: 1024 * 1024 - 1 }))).toContain('up 1024 KiB');
    expect(overlayText(stats({ uploadedBytes: 1024 * 1024 }))).toContain('up 1.0 MiB');
    expect(overlayText(stats({ uploadedBytes: 1.5 * 1024 * 1024 }))).toContain('up 1.5 MiB');
  });

  it('shows 100% for a P2P-only session', () => {
    expect(overlayText(stats({ p2pBytes: 10, p2pShare: 1 }))).toContain('P2P 100%');
  });

  it('says upload is off in consume-only mode', () => {
    const line = overlayText(stats({ consumeOnly: true, uploadedBytes: 0 })).split('\n')[2];
    expect(line).toBe('up off (consume-only)');
  });

  it('says P2P is off in native playback', () => {
    expect(overlayText({ ...stats({}), playback: 'native' })).toBe(
      'native HLS playback\nP2P off (no Media Source Extensions)',
    );
  });
});
