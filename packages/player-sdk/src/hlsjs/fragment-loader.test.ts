import type {
  FragmentLoaderContext,
  HlsConfig,
  Loader,
  LoaderCallbacks,
  LoaderConfiguration,
  LoaderContext,
  LoaderStats,
} from 'hls.js';
import { describe, expect, it, vi } from 'vitest';
import { SdkError, SdkErrorCode } from '../errors.js';
import { createFragmentLoader, type LoaderEngine, type LoaderHls } from './hls-loader.js';
import { requestedRange } from './requested-range.js';
import type { HttpTransfer, SegmentRequest, SegmentResult } from '../p2p/load-segment.js';
import { emptyStats } from './loader-stats.js';

const BYTES = new Uint8Array(500_000).fill(7);
const HLS: LoaderHls = {
  levels: [{ details: { live: true } }] as unknown as LoaderHls['levels'],
  media: null,
  bandwidthEstimate: 2_000_000,
  ttfbEstimate: 80,
};

function result(patch: Partial<SegmentResult>): SegmentResult {
  const now = performance.now();
  return {
    bytes: BYTES,
    source: 'p2p',
    peerId: 'peer-a',
    root: 'ab',
    verified: true,
    contributors: {},
    httpBytes: 0,
    p2pBytes: BYTES.byteLength,
    httpReason: undefined,
    http: undefined,
    startedAt: now,
    firstByteAt: now,
    endedAt: now,
    ...patch,
  };
}

/** An engine whose loads the test settles by hand. */
function fakeEngine(rate?: { bitsPerSecond: number; ttfbMs: number }) {
  const loads: {
    request: SegmentRequest;
    resolve: (r: SegmentResult) => void;
    reject: (e: unknown) => void;
  }[] = [];
  const engine: LoaderEngine = {
    loadSegment: (request) =>
      new Promise((resolve, reject) => loads.push({ request, resolve, reject })),
    setPlayhead: () => undefined,
    httpRate: () => rate,
  };
  return { engine, loads };
}

class RecordingDefaultLoader implements Loader<LoaderContext> {
  static created = 0;
  context: LoaderContext | null = null;
  stats: LoaderStats = emptyStats();
  loaded: LoaderContext[] = [];
  constructor() {
    RecordingDefaultLoader.created += 1;
  }
  load(context: LoaderContext): void {
    this.loaded.push(context);
  }
  abort(): void {}
  destroy(): void {}
}

function context(
  sn: number | 'initSegment',
  range: [number, number] = [0, 0],
): FragmentLoaderContext {
  return {
    url: 'http://origin/live/360p/seq-5.ts',
    responseType: 'arraybuffer',
    rangeStart: range[0],
    rangeEnd: range[1],
    frag: { sn, level: 0, type: 'main', start: 10, baseurl: 'http://origin/live/360p/index.m3u8' },
  } as unknown as FragmentLoaderContext;
}

const CONFIG = { loadPolicy: { maxLoadTimeMs: 60_000 }, timeout: 60_000 } as LoaderConfiguration;

function callbacks() {
  return {
    onSuccess: vi.fn(),
    onError: vi.fn(),
    onTimeout: vi.fn(),
    onAbort: vi.fn(),
  } satisfies Partial<LoaderCallbacks<LoaderContext>>;
}

function startLoad(engine: LoaderEngine, config = CONFIG) {
  const Loader = createFragmentLoader(engine, () => HLS, RecordingDefaultLoader);
  const loader = new Loader({} as HlsConfig);
  const cbs = callbacks();
  loader.load(context(5), config, cbs as unknown as LoaderCallbacks<FragmentLoaderContext>);
  return { loader, cbs };
}

/** The bandwidth hls.js samples from a finished load: bytes over (end - first), in bit/s. */
function sampledBps(stats: LoaderStats): number {
  const loading = stats.loading as { first: number; end: number };
  return (stats.loaded * 8000) / (loading.end - loading.first);
}

describe('requestedRange', () => {
  it('is no range for the 0-0 hls.js puts on every fragment', () => {
    expect(requestedRange(context(1))).toBeUndefined();
  });
  it('is the EXT-X-BYTERANGE, end exclusive', () => {
    expect(requestedRange(context(1, [1000, 5000]))).toEqual({ start: 1000, end: 5000 });
  });
});

describe('the hls.js fragment loader', () => {
  it('reports an HTTP delivery with the HTTP transfer’s own times, not the wait before it', async () => {
    const { engine, loads } = fakeEngine();
    const { loader, cbs } = startLoad(engine);
    const load = loads[0]!;
    expect(load.request.range).toBeUndefined();
    // While the engine waits for peers, hls.js' load clock restarts whenever it looks.
    const before = loader.stats.loading.start;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(loader.stats.loading.start).toBeGreaterThan(before + 20);

    const startedAt = performance.now();
    const transfer: HttpTransfer = { startedAt, firstByteAt: 0, endedAt: 0, loaded: 0 };
    load.request.onHttpProgress?.(transfer);
    expect(loader.stats.loading.start).toBe(startedAt);
    transfer.firstByteAt = startedAt + 50;
    transfer.loaded = 100_000;
    load.request.onHttpProgress?.(transfer);
    expect(loader.stats.loaded).toBe(100_000);
    expect(loader.stats.loading.first).toBe(startedAt + 50);

    transfer.endedAt = startedAt + 1050;
    transfer.loaded = BYTES.byteLength;
    load.resolve(
      result({ source: 'http', p2pBytes: 0, httpBytes: BYTES.byteLength, http: transfer }),
    );
    await vi.waitFor(() => expect(cbs.onSuccess).toHaveBeenCalledOnce());
    const stats = cbs.onSuccess.mock.calls[0]![1] as LoaderStats;
    const loading = stats.loading as { start: number; first: number; end: number };
    expect(loading.first - loading.start).toBeCloseTo(50, 5);
    expect(loading.end - loading.first).toBeCloseTo(1000, 5);
    expect(stats.loaded).toBe(BYTES.byteLength);
    expect(stats.total).toBe(BYTES.byteLength);
    // 500 kB in 1 s: the network's 4 Mbit/s, whatever the wait before it.
    expect(sampledBps(stats)).toBeCloseTo(4_000_000, -3);
    const data = (cbs.onSuccess.mock.calls[0]![0] as { data: ArrayBuffer }).data;
    expect(data.byteLength).toBe(BYTES.byteLength);
    expect(data).not.toBe(BYTES.buffer);
  });

  it('reports a peer delivery at the measured HTTP rate and time to first byte', async () => {
    const { engine, loads } = fakeEngine({ bitsPerSecond: 3_000_000, ttfbMs: 120 });
    const { cbs } = startLoad(engine);
    loads[0]!.resolve(result({ source: 'p2p' }));
    await vi.waitFor(() => expect(cbs.onSuccess).toHaveBeenCalledOnce());
    const stats = cbs.onSuccess.mock.calls[0]![1] as LoaderStats;
    expect(sampledBps(stats)).toBeCloseTo(3_000_000, -3);
    expect(stats.loading.first - stats.loading.start).toBeCloseTo(120, 5);
  });

  it('reports a cache hit at hls.js’ own estimate before any HTTP transfer was measured', async () => {
    const { engine, loads } = fakeEngine(undefined);
    const { cbs } = startLoad(engine);
    loads[0]!.resolve(result({ source: 'cache', p2pBytes: 0, verified: false }));
    await vi.waitFor(() => expect(cbs.onSuccess).toHaveBeenCalledOnce());
    const stats = cbs.onSuccess.mock.calls[0]![1] as LoaderStats;
    expect(sampledBps(stats)).toBeCloseTo(HLS.bandwidthEstimate, -3);
    expect(stats.loading.first - stats.loading.start).toBeCloseTo(HLS.ttfbEstimate, 5);
  });

  it('counts a resumed download’s HTTP part as measured and its peer part at the HTTP rate', async () => {
    const { engine, loads } = fakeEngine({ bitsPerSecond: 4_000_000, ttfbMs: 50 });
    const { cbs } = startLoad(engine);
    const now = performance.now();
    const http: HttpTransfer = {
      startedAt: now - 600,
      firstByteAt: now - 550,
      endedAt: now - 50,
      loaded: 250_000,
    };
    loads[0]!.resolve(
      result({ source: 'http', p2pBytes: 250_000, httpBytes: 250_000, http, peerId: undefined }),
    );
    await vi.waitFor(() => expect(cbs.onSuccess).toHaveBeenCalledOnce());
    const stats = cbs.onSuccess.mock.calls[0]![1] as LoaderStats;
    // 250 kB over HTTP in 500 ms, 250 kB from a peer counted as 500 ms at 4 Mbit/s.
    expect(stats.loading.end - stats.loading.first).toBeCloseTo(1000, 5);
    expect(stats.loading.first - stats.loading.start).toBeCloseTo(50, 5);
  });

  it('passes a real byte range to the engine', () => {
    const { engine, loads } = fakeEngine();
    const Loader = createFragmentLoader(engine, () => HLS, RecordingDefaultLoader);
    new Loader({} as HlsConfig).load(
      context(5, [1000, 2000]),
      CONFIG,
      callbacks() as unknown as LoaderCallbacks<FragmentLoaderContext>,
    );
    expect(loads[0]!.request.range).toEqual({ start: 1000, end: 2000 });
  });

  it('aborts: the engine load is cancelled, onAbort fires, a late result is dropped', async () => {
    const { engine, loads } = fakeEngine();
    const { loader, cbs } = startLoad(engine);
    loader.abort();
    expect(loads[0]!.request.signal?.aborted).toBe(true);
    expect(cbs.onAbort).toHaveBeenCalledOnce();
    expect(loader.stats.aborted).toBe(true);
    // The clock stops floating: hls.js sees when the load really began.
    const start = loader.stats.loading.start;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(loader.stats.loading.start).toBe(start);
    loads[0]!.resolve(result({}));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(cbs.onSuccess).not.toHaveBeenCalled();
  });

  it('times out after maxLoadTimeMs with the real start, and cancels the engine load', async () => {
    const { engine, loads } = fakeEngine();
    const startedAt = performance.now();
    const { loader, cbs } = startLoad(engine, {
      ...CONFIG,
      loadPolicy: { ...CONFIG.loadPolicy, maxLoadTimeMs: 40 },
    });
    await vi.waitFor(() => expect(cbs.onTimeout).toHaveBeenCalledOnce());
    expect(loads[0]!.request.signal?.aborted).toBe(true);
    expect(loader.stats.loading.start).toBeLessThanOrEqual(startedAt + 5);
    expect(performance.now() - loader.stats.loading.start).toBeGreaterThanOrEqual(35);
  });

  it('reports an HTTP failure with its status', async () => {
    const { engine, loads } = fakeEngine();
    const { cbs } = startLoad(engine);
    loads[0]!.reject(new SdkError(SdkErrorCode.HttpFailed, 'HTTP 404', { status: 404 }));
    await vi.waitFor(() => expect(cbs.onError).toHaveBeenCalledOnce());
    expect(cbs.onError.mock.calls[0]![0]).toMatchObject({ code: 404 });
  });

  it('leaves init segments to hls.js’ own loader, with its stats', () => {
    const { engine, loads } = fakeEngine();
    const Loader = createFragmentLoader(engine, () => HLS, RecordingDefaultLoader);
    const loader = new Loader({} as HlsConfig);
    const created = RecordingDefaultLoader.created;
    loader.load(
      context('initSegment'),
      CONFIG,
      callbacks() as unknown as LoaderCallbacks<FragmentLoaderContext>,
    );
    expect(RecordingDefaultLoader.created).toBe(created + 1);
    expect(loads).toHaveLength(0);
  });
});
