import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SdkError } from '../errors.js';
import { ApiClient } from './api-client.js';
import { startFakeCoordinator, type FakeCoordinator } from './fake-coordinator.fixture.js';
import { RootsCache, type RootsCacheOptions } from './roots.js';

let server: FakeCoordinator;
let api: ApiClient;
let cache: RootsCache;
const errors: SdkError[] = [];

function segment(sequence: number, length = 40_000): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 7 + sequence) & 255);
}

function makeCache(overrides: Partial<RootsCacheOptions> = {}): RootsCache {
  return new RootsCache(api, {
    streamId: 'demo',
    pollMs: 30,
    clock: () => performance.now(),
    onError: (error) => errors.push(error),
    ...overrides,
  });
}

beforeEach(async () => {
  server = await startFakeCoordinator();
  api = new ApiClient({ baseUrl: server.url, timeoutMs: 500 });
  cache = makeCache();
  errors.length = 0;
});
afterEach(async () => {
  cache.close();
  api.close();
  await server.close();
});

const rootRequests = () => server.count('GET', /\/roots$/);

describe('RootsCache', () => {
  it('verifies consecutive sequences with few batched requests', async () => {
    for (let s = 100; s < 120; s++) await server.addSegment('720p', s, segment(s));
    // Concurrent checks share the request that covers them.
    const first = await Promise.all(
      [100, 101, 102, 103].map((s) => cache.verify('720p', s, segment(s), 1000)),
    );
    expect(first.map((c) => c.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(rootRequests()).toBe(1);
    for (let s = 104; s < 120; s++) {
      expect((await cache.verify('720p', s, segment(s), 1000)).status).toBe('ok');
    }
    expect(rootRequests()).toBe(2); // 98..110, then 111..123
    expect(server.requests[0]!.path).toBe('/api/streams/demo/roots');
    expect(cache.stats).toMatchObject({ ok: 20, mismatch: 0, unknown: 0, requests: 2 });
  });

  it('keeps renditions apart', async () => {
    await server.addSegment('720p', 5, segment(5));
    await server.addSegment('360p', 5, segment(6));
    expect((await cache.verify('720p', 5, segment(5), 500)).status).toBe('ok');
    expect((await cache.verify('360p', 5, segment(5), 500)).status).toBe('mismatch');
  });

  it('waits for a root the indexer adds later', async () => {
    setTimeout(() => void server.addSegment('720p', 7, segment(7)), 150);
    const check = await cache.verify('720p', 7, segment(7), 2000);
    expect(check).toMatchObject({ status: 'ok', root: { sequence: 7, byteLength: 40_000 } });
    expect(rootRequests()).toBeGreaterThan(1);
  });

  it('gives up after waitMs and answers unknown', async () => {
    const started = performance.now();
    expect(await cache.verify('720p', 9, segment(9), 200)).toEqual({ status: 'unknown' });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(rootRequests()).toBeGreaterThanOrEqual(2); // it polled
    expect(cache.stats.unknown).toBe(1);
  });

  it('with waitMs 0 answers from the cache and prefetches', async () => {
    await server.addSegment('720p', 1, segment(1));
    expect(await cache.get('720p', 1, 0)).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await cache.get('720p', 1, 0)).toMatchObject({ sequence: 1 });
    expect(rootRequests()).toBe(1);
  });

  it('detects a wrong byte length and a wrong root', async () => {
    await server.addSegment('720p', 3, segment(3));
    const shorter = await cache.verify('720p', 3, segment(3, 39_999), 500);
    expect(shorter).toMatchObject({ status: 'mismatch', reason: 'byte-length' });
    const tampered = segment(3);
    tampered[30_000]! ^= 1;
    expect(await cache.verify('720p', 3, tampered, 500)).toMatchObject({
      status: 'mismatch',
      reason: 'root',
    });
    expect(cache.stats.mismatch).toBe(2);
  });

  it('answers unknown while the coordinator is down, reporting one error per outage', async () => {
    await server.addSegment('720p', 3, segment(3));
    server.failMode = '503';
    expect((await cache.verify('720p', 3, segment(3), 200)).status).toBe('unknown');
    expect(rootRequests()).toBeGreaterThan(1);
    expect(errors).toHaveLength(1);
    server.failMode = 'ok';
    expect((await cache.verify('720p', 3, segment(3), 200)).status).toBe('ok');
  });

  it('bounds its memory, dropping the oldest roots', async () => {
    const small = makeCache({ maxEntries: 20 });
    for (let s = 0; s < 60; s++) await server.addSegment('720p', s, segment(s, 100));
    for (let s = 0; s < 60; s += 13) await small.get('720p', s, 500);
    expect(small.size).toBeLessThanOrEqual(20);
    const before = rootRequests();
    expect(await small.get('720p', 1, 500)).toBeDefined(); // dropped: asked again
    expect(rootRequests()).toBe(before + 1);
    small.close();
  });

  it('close() ends a wait at once', async () => {
    const pending = cache.get('720p', 50, 10_000);
    setTimeout(() => cache.close(), 50);
    const started = performance.now();
    expect(await pending).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
