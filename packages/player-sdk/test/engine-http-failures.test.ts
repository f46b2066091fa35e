/**
 * An engine alone against the origin: HTTP failures reject with HTTP_FAILED, aborts reject with
 * ABORTED, and in both cases nothing is stored or announced as held.
 */
import wrtc from '@roamhq/wrtc';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLiveOrigin, type LiveOrigin } from '@streamrp2p/live-origin';
import { createTracker, type Tracker } from '@streamrp2p/tracker';
import { P2PEngine, SdkError, SdkErrorCode, type SegmentRequest } from '../src/index.js';

/** A request that resolves `arrived` once its first HTTP bytes came in: where an abort lands mid-body. */
function watchFirstBytes(request: SegmentRequest): {
  request: SegmentRequest;
  arrived: Promise<void>;
} {
  let resolve = () => {};
  const arrived = new Promise<void>((done) => (resolve = done));
  return {
    request: { ...request, onHttpProgress: (transfer) => transfer.loaded > 0 && resolve() },
    arrived,
  };
}

async function rejection(promise: Promise<unknown>): Promise<SdkError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(SdkError);
  return outcome as SdkError;
}

describe('engine HTTP failures and aborts', () => {
  let origin: LiveOrigin;
  let tracker: Tracker;
  let engine: P2PEngine;
  let stored: number[];
  const vod = (sequence: number, rendition = '240p'): SegmentRequest => ({
    rendition,
    sequence,
    url: `${origin.url}/vod/${rendition}/seg${sequence}.ts`,
    deadlineMs: 30_000,
    live: false,
  });

  beforeAll(async () => {
    origin = await startLiveOrigin();
    tracker = createTracker({ maxPeersPerIpPerSwarm: 10 });
    const { url } = await tracker.start();
    engine = new P2PEngine({ streamId: 'http-failures', trackerUrl: url, wrtc, iceServers: [] });
    await new Promise<void>((resolve) => engine.once('ready', () => resolve()));
  });

  beforeEach(() => {
    origin.configure({ bandwidthKbps: 0 });
    origin.resetStats();
    stored = [];
  });

  afterEach(() => {
    expect(origin.control().pendingFailures).toBe(0);
  });

  afterAll(async () => {
    await engine?.destroy();
    await tracker?.close();
    await origin?.close();
  });

  /** Sequences the engine reported loaded since the test began. */
  function watchLoads(): void {
    engine.on('segment-loaded', ({ sequence }) => stored.push(sequence));
  }

  it('a 503 rejects with HTTP_FAILED carrying the status, and the segment is not kept', async () => {
    watchLoads();
    origin.injectFailures({ kind: '503', match: '240p/seg3.ts' });
    const error = await rejection(engine.loadSegment(vod(3)));
    expect(error.code).toBe(SdkErrorCode.HttpFailed);
    expect(error.details.status).toBe(503);
    expect(engine.getStats().storeBytes).toBe(0);
    expect(stored).toEqual([]);

    // The next try goes to the origin again (nothing cached) and succeeds.
    origin.resetStats();
    const retry = await engine.loadSegment(vod(3));
    expect(retry.source).toBe('http');
    expect(retry.bytes.length).toBe(origin.stats().segmentBytes);
    expect(engine.getStats().storeBytes).toBe(retry.bytes.length);
  });

  it('a truncated body rejects with HTTP_FAILED instead of delivering half a segment', async () => {
    origin.injectFailures({ kind: 'truncate', match: '240p/seg4.ts' });
    const before = engine.getStats().storeBytes;
    const error = await rejection(engine.loadSegment(vod(4)));
    expect(error.code).toBe(SdkErrorCode.HttpFailed);
    expect(engine.getStats().storeBytes).toBe(before);
    // Half was sent before the connection closed.
    expect(origin.stats().segmentBytes).toBeGreaterThan(0);

    const retry = await engine.loadSegment(vod(4));
    expect(retry.source).toBe('http');
  });

  it('a 404 rejects with HTTP_FAILED', async () => {
    const error = await rejection(
      engine.loadSegment({ ...vod(5), url: `${origin.url}/vod/240p/seg999.ts` }),
    );
    expect(error.code).toBe(SdkErrorCode.HttpFailed);
    expect(error.details.status).toBe(404);
  });

  it('an unreachable origin rejects with HTTP_FAILED', async () => {
    const error = await rejection(
      engine.loadSegment({ ...vod(6), url: 'http://127.0.0.1:1/vod/240p/seg6.ts' }),
    );
    expect(error.code).toBe(SdkErrorCode.HttpFailed);
  });

  it('aborting mid-download rejects with ABORTED and stores nothing', async () => {
    watchLoads();
    // 180 kB at 100 kbit/s takes ~14 s: the abort lands mid-body.
    origin.configure({ bandwidthKbps: 100 });
    const controller = new AbortController();
    const before = engine.getStats();
    const { request, arrived } = watchFirstBytes({ ...vod(0, '360p'), signal: controller.signal });
    const loading = engine.loadSegment(request);
    await arrived;
    expect(origin.stats().segmentRequests).toBe(1);
    controller.abort();
    const error = await rejection(loading);
    expect(error.code).toBe(SdkErrorCode.Aborted);
    const after = engine.getStats();
    expect(after.storeBytes).toBe(before.storeBytes);
    // The bytes that did arrive count, like the origin counts them (within the chunk in flight).
    const received = after.httpBytes - before.httpBytes;
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThanOrEqual(origin.stats().segmentBytes);
    expect(stored).toEqual([]);

    // Not stored: loading it again fetches it again.
    origin.configure({ bandwidthKbps: 0 });
    const again = await engine.loadSegment(vod(0, '360p'));
    expect(again.source).toBe('http');
  });

  it('aborting a stalled download rejects with ABORTED', async () => {
    origin.injectFailures({ kind: 'stall', match: '240p/seg7.ts' });
    const controller = new AbortController();
    // The stalling origin sends a few bytes, then nothing.
    const { request, arrived } = watchFirstBytes({ ...vod(7), signal: controller.signal });
    const loading = engine.loadSegment(request);
    await arrived;
    controller.abort();
    const error = await rejection(loading);
    expect(error.code).toBe(SdkErrorCode.Aborted);
    expect((await engine.loadSegment(vod(7))).source).toBe('http');
  });

  it('an already aborted signal rejects at once without touching the origin', async () => {
    const error = await rejection(engine.loadSegment({ ...vod(8), signal: AbortSignal.abort() }));
    expect(error.code).toBe(SdkErrorCode.Aborted);
    expect(origin.stats().segmentRequests).toBe(0);
  });
});
