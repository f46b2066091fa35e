/**
 * Segments a player loaded over HTTP before its engine was attached (decision 60) count as the
 * engine's HTTP loads and measure HTTP for it: the rate peer deliveries are reported to hls.js'
 * ABR at must not start unmeasured.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { P2PEngine } from '../src/index.js';

describe('HTTP loads before the engine', () => {
  let engine: P2PEngine | undefined;
  afterEach(async () => engine?.destroy());

  it('are counted in the stats and give the engine its HTTP rate', () => {
    // deferConnections: nothing connects until openConnections(), which this test never calls.
    engine = new P2PEngine({
      streamId: 'early',
      trackerUrl: 'http://127.0.0.1:9',
      deferConnections: true,
    });
    expect(engine.httpRate()).toBeUndefined();
    engine.adoptEarlierHttpLoads([
      { rendition: 'live_360p_index', sequence: 4, bytes: 400_000, totalMs: 1000, ttfbMs: 200 },
      { rendition: 'live_360p_index', sequence: 5, bytes: 400_000, totalMs: 1000, ttfbMs: 200 },
    ]);
    const stats = engine.getStats();
    expect(stats.httpBytes).toBe(800_000);
    expect(stats.httpSegments).toBe(2);
    expect(stats.p2pBytes).toBe(0);
    // 400,000 bytes in the 800 ms after the first byte: 4 Mbit/s.
    expect(engine.httpRate()).toEqual({ bitsPerSecond: 4_000_000, ttfbMs: 200 });
  });

  it('are held for peers when given with their bytes, as a segment the engine loaded is', async () => {
    engine = new P2PEngine({
      streamId: 'early',
      trackerUrl: 'http://127.0.0.1:9',
      deferConnections: true,
    });
    const data = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
    engine.adoptEarlierHttpLoads([
      { rendition: 'live_360p_index', sequence: 4, bytes: 1000, data, totalMs: 50, ttfbMs: 10 },
      { rendition: 'live_360p_index', sequence: 5, bytes: 1000, totalMs: 50, ttfbMs: 10 },
    ]);
    expect(engine.getStats()).toMatchObject({ httpBytes: 2000, storeBytes: 1000 });
    // Asked for again, segment 4 comes from the store: no HTTP (its URL leads nowhere).
    const result = await engine.loadSegment({
      rendition: 'live_360p_index',
      sequence: 4,
      url: 'http://127.0.0.1:9/none.ts',
      deadlineMs: 10_000,
      live: true,
    });
    expect(result.source).toBe('cache');
    expect(result.bytes).toEqual(data);
  });
});
