/**
 * The roots cache against the real coordinator's roots route (PGlite, port 0), behind the fault
 * proxy. Roots are written the way the indexer writes them (a `segment_roots` row with the
 * segment's Merkle root), at the sequences a test needs: no origin to wait for.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCoordinator, type Coordinator } from '@streamrp2p/coordinator';
import { buildMerkleTree, bytesToHex } from '@streamrp2p/protocol';
import type { SdkError } from '../src/errors.js';
import { ApiClient } from '../src/coordinator/api-client.js';
import { RootsCache, type RootsCacheOptions } from '../src/coordinator/roots.js';
import { FaultProxy } from './fault-proxy.js';
import { until } from './engine-events.js';

let coordinator: Coordinator;
let proxy: FaultProxy;
let streamId: string;
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

/** Indexes a segment as the coordinator's indexer does. */
async function addSegment(rendition: string, sequence: number, bytes: Uint8Array) {
  const root = bytesToHex((await buildMerkleTree(bytes)).root);
  await coordinator.db
    .insertInto('segment_roots')
    .values({
      stream_id: streamId,
      rendition,
      sequence,
      root,
      byte_length: bytes.length,
      indexed_at: new Date(),
    })
    .execute();
  return { sequence, root, byteLength: bytes.length };
}

function makeCache(overrides: Partial<RootsCacheOptions> = {}): RootsCache {
  return new RootsCache(api, {
    streamId,
    pollMs: 30,
    clock: () => performance.now(),
    onError: (error) => errors.push(error),
    ...overrides,
  });
}

beforeAll(async () => {
  // The stream's origin is never fetched by a test: a closed port on loopback.
  coordinator = createCoordinator({ dataDir: 'memory://', originAllowList: ['127.0.0.1'] });
  proxy = await new FaultProxy((await coordinator.start()).url).listen();
  const setup = new ApiClient({ baseUrl: proxy.url, timeoutMs: 2000 });
  const { apiKey } = (await setup.request({
    method: 'POST',
    path: '/api/streamers',
    body: { name: 'roots test' },
  })) as { apiKey: string };
  ({ streamId } = (await setup.request({
    method: 'POST',
    path: '/api/streams',
    bearer: apiKey,
    body: { hlsUrl: 'http://127.0.0.1:9/live/master.m3u8', title: 't' },
  })) as { streamId: string });
  setup.close();
});
afterAll(async () => {
  await proxy?.close();
  await coordinator?.close();
});
beforeEach(() => {
  run += 1;
  r720 = `720p-${run}`;
  r360 = `360p-${run}`;
  proxy.mode = 'pass';
  proxy.requests.length = 0;
  api = new ApiClient({ baseUrl: proxy.url, timeoutMs: 500 });
  cache = makeCache();
  errors.length = 0;
});
afterEach(() => {
  cache.close();
  api.close();
});

/** Roots requests of this test's renditions (a closed cache's last poll may still arrive). */
const rootRequests = () =>
  proxy.requests.filter(
    (r) => r.path.endsWith('/roots') && [r720, r360].includes(r.query.get('rendition') ?? ''),
  ).length;
describe('RootsCache', () => {
  it('verifies consecutive sequences with few batched requests', async () => {
    for (let s = 100; s < 120; s++) await addSegment(r720, s, segment(s));
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
    expect(proxy.requests[0]!.path).toBe(`/api/streams/${streamId}/roots`);
    expect(cache.stats).toMatchObject({ ok: 20, mismatch: 0, unknown: 0, requests: 2 });
  });

  it('keeps renditions apart', async () => {
    await addSegment(r720, 5, segment(5));
    await addSegment(r360, 5, segment(6));
    expect((await cache.verify(r720, 5, segment(5), 500)).status).toBe('ok');
    expect((await cache.verify(r360, 5, segment(5), 500)).status).toBe('mismatch');
  });

  it('waits for a root the indexer adds later', async () => {
    // Indexed once the cache has asked in vain.
    void until(() => rootRequests() >= 1, 'a first roots request').then(() =>
      addSegment(r720, 7, segment(7)),
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
    await addSegment(r720, 1, segment(1));
    expect(await cache.get(r720, 1, 0)).toBeUndefined();
    await until(() => cache.size > 0, 'the prefetch');
    expect(await cache.get(r720, 1, 0)).toMatchObject({ sequence: 1 });
    expect(rootRequests()).toBe(1);
  });

  it('detects a wrong byte length and a wrong root', async () => {
    await addSegment(r720, 3, segment(3));
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
    await addSegment(r720, 3, segment(3));
    proxy.mode = '503';
    expect((await cache.verify(r720, 3, segment(3), 200)).status).toBe('unknown');
    expect(rootRequests()).toBeGreaterThan(1);
    expect(errors).toHaveLength(1);
    proxy.mode = 'pass';
    expect((await cache.verify(r720, 3, segment(3), 200)).status).toBe('ok');
  });

  it('bounds its memory, dropping the oldest roots', async () => {
    const small = makeCache({ maxEntries: 20 });
    for (let s = 0; s < 60; s++) await addSegment(r720, s, segment(s, 100));
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
