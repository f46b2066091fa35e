/**
 * The roots cache against the real coordinator's roots route (PGlite, port 0), behind the fault
 * proxy. Roots are written the way the indexer writes them (a `segment_roots` row with the
 * segment's Merkle root), at the sequences a test needs: no origin to wait for.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SdkError } from '../src/errors.js';
import { ApiClient } from '../src/coordinator/api-client.js';
import { RootsCache, type RootsCacheOptions } from '../src/coordinator/roots.js';
import { until } from './engine-events.js';
import { startRealCoordinator, type RealCoordinator } from './real-coordinator.js';

let real: RealCoordinator;
let api: ApiClient;
let cache: RootsCache;
const errors: SdkError[] = [];
/** Each test its own rendition names, so roots written by one never answer another. */
let run = 0;
let r720 = '';
let r360 = '';

function segment(sequence: number, length = 40_000): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 7 + sequence) & 255);
}

function makeCache(overrides: Partial<RootsCacheOptions> = {}): RootsCache {
  return new RootsCache(api, {
    streamId: real.streamId,
    pollMs: 30,
    clock: () => performance.now(),
    onError: (error) => errors.push(error),
    ...overrides,
  });
}

beforeAll(async () => {
  real = await startRealCoordinator();
});
afterAll(() => real?.close());
beforeEach(() => {
  run += 1;
  r720 = `720p-${run}`;
  r360 = `360p-${run}`;
  real.proxy.reset();
  api = new ApiClient({ baseUrl: real.proxy.url, timeoutMs: 500 });
  cache = makeCache();
  errors.length = 0;
});
afterEach(() => {
  cache.close();
  api.close();
});

/** Roots requests of this test's renditions (a closed cache's last poll may still arrive). */
const rootRequests = () =>
  real.proxy.requests.filter(
    (r) => r.path.endsWith('/roots') && [r720, r360].includes(r.query.get('rendition') ?? ''),
  ).length;
describe('RootsCache', () => {
  it('verifies consecutive sequences with few batched requests', async () => {
    for (let s = 100; s < 120; s++) await real.indexSegment(r720, s, segment(s));
    // Concurrent checks share the request that covers them.
    const first = await Promise.all(
      [100, 101, 102, 103].map((s) => cache.verify(r720, s, segment(s), 1000)),
    );
    expect(first.map((c) => c.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(rootRequests()).toBe(1);
    for (let s = 104; s < 120; s++) {
      expect((await cache.verify(r720, s, segment(s), 1000)).status).toBe('ok');
    }
    expect(rootRequests()).toBe(2); // 98..110, then 111..123
    expect(real.proxy.requests[0]!.path).toBe(`/api/streams/${real.streamId}/roots`);
    expect(cache.stats).toMatchObject({ ok: 20, mismatch: 0, unknown: 0, requests: 2 });
  });

  it('keeps renditions apart', async () => {
    await real.indexSegment(r720, 5, segment(5));
    await real.indexSegment(r360, 5, segment(6));
    expect((await cache.verify(r720, 5, segment(5), 500)).status).toBe('ok');
    expect((await cache.verify(r360, 5, segment(5), 500)).status).toBe('mismatch');
  });

  it('waits for a root the indexer adds later', async () => {
    // Indexed once the cache has asked in vain.
    void until(() => rootRequests() >= 1, 'a first roots request').then(() =>
      real.indexSegment(r720, 7, segment(7)),
    );
    const check = await cache.verify(r720, 7, segment(7), 2000);
    expect(check).toMatchObject({ status: 'ok', root: { sequence: 7, byteLength: 40_000 } });
    expect(rootRequests()).toBeGreaterThan(1);
  });

  it('gives up after waitMs and answers unknown', async () => {
    const started = performance.now();
    expect(await cache.verify(r720, 9, segment(9), 200)).toEqual({ status: 'unknown' });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(rootRequests()).toBeGreaterThanOrEqual(2); // it polled
    expect(cache.stats.unknown).toBe(1);
  });

  it('with waitMs 0 answers from the cache and prefetches', async () => {
    await real.indexSegment(r720, 1, segment(1));
    expect(await cache.get(r720, 1, 0)).toBeUndefined();
    await until(() => cache.size > 0, 'the prefetch');
    expect(await cache.get(r720, 1, 0)).toMatchObject({ sequence: 1 });
    expect(rootRequests()).toBe(1);
  });

  it('detects a wrong byte length and a wrong root', async () => {
    await real.indexSegment(r720, 3, segment(3));
    const shorter = await cache.verify(r720, 3, segment(3, 39_999), 500);
    expect(shorter).toMatchObject({ status: 'mismatch', reason: 'byte-length' });
    const tampered = segment(3);
    tampered[30_000]! ^= 1;
    expect(await cache.verify(r720, 3, tampered, 500)).toMatchObject({
      status: 'mismatch',
      reason: 'root',
    });
    expect(cache.stats.mismatch).toBe(2);
  });

  it('answers unknown while the coordinator is down, reporting one error per outage', async () => {
    await real.indexSegment(r720, 3, segment(3));
    real.proxy.mode = '503';
    expect((await cache.verify(r720, 3, segment(3), 200)).status).toBe('unknown');
    expect(rootRequests()).toBeGreaterThan(1);
    expect(errors).toHaveLength(1);
    real.proxy.mode = 'pass';
    expect((await cache.verify(r720, 3, segment(3), 200)).status).toBe('ok');
  });

  it('bounds its memory, dropping the oldest roots', async () => {
    const small = makeCache({ maxEntries: 20 });
    for (let s = 0; s < 60; s++) await real.indexSegment(r720, s, segment(s, 100));
    for (let s = 0; s < 60; s += 13) await small.get(r720, s, 500);
    expect(small.size).toBeLessThanOrEqual(20);
    const before = rootRequests();
    expect(await small.get(r720, 1, 500)).toBeDefined(); // dropped: asked again
    expect(rootRequests()).toBe(before + 1);
    small.close();
  });

  it('close() ends a wait at once', async () => {
    const pending = cache.get(r720, 50, 10_000);
    void until(() => rootRequests() >= 1, 'the roots request').then(() => cache.close());
    const started = performance.now();
    expect(await pending).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
