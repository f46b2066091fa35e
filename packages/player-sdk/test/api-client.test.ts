/**
 * The coordinator client's HTTP layer against the real coordinator (PGlite, port 0), behind a
 * fault proxy for what goes wrong on the way: answers parsed, a 4xx final with the server's code,
 * 5xx, 429, hangs, cut connections and non-JSON answers retryable, close() aborting.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCoordinator, type Coordinator } from '@streamrp2p/coordinator';
import { SdkError, SdkErrorCode } from '../src/errors.js';
import { ApiClient } from '../src/coordinator/api-client.js';
import { CoordinatorErrorCode, isRetryable } from '../src/coordinator/errors.js';
import { FaultProxy } from './fault-proxy.js';
import { until } from './engine-events.js';

let coordinator: Coordinator;
let proxy: FaultProxy;
let api: ApiClient;

beforeAll(async () => {
  // The stream's origin is never fetched by a test: a closed port on loopback.
  coordinator = createCoordinator({ dataDir: 'memory://', originAllowList: ['127.0.0.1'] });
  proxy = await new FaultProxy((await coordinator.start()).url).listen();
});
afterAll(async () => {
  await proxy?.close();
  await coordinator?.close();
});
beforeEach(() => {
  proxy.mode = 'pass';
  api = new ApiClient({ baseUrl: `${proxy.url}/`, timeoutMs: 300 });
});
afterEach(() => api.close());

async function failure(promise: Promise<unknown>): Promise<SdkError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SdkError);
  return error as SdkError;
}

describe('ApiClient', () => {
  it('sends JSON with the bearer and the query, and parses the answer', async () => {
    const created = await api.request({
      method: 'POST',
      path: '/api/streamers',
      body: { name: 'api client test' },
    });
    expect(created).toMatchObject({ apiKey: expect.any(String) });
    const { apiKey } = created as { apiKey: string };
    const stream = await api.request({
      method: 'POST',
      path: '/api/streams',
      bearer: apiKey,
      body: { hlsUrl: 'http://127.0.0.1:9/live/master.m3u8', title: 't' },
    });
    expect(stream).toMatchObject({ streamId: expect.any(String) });
    const { streamId } = stream as { streamId: string };
    const roots = await api.request({
      method: 'GET',
      path: `/api/streams/${streamId}/roots`,
      query: { rendition: '720p', from: 0, to: 5 },
    });
    expect(roots).toMatchObject({ rendition: '720p', roots: [] });
    expect(proxy.requests.at(-1)).toMatchObject({ path: `/api/streams/${streamId}/roots` });
  });

  it('turns a 4xx error body into a final error with status and server code', async () => {
    const error = await failure(
      api.request({ method: 'POST', path: '/api/streams', bearer: 'wrong', body: {} }),
    );
    expect(error.code).toBe(CoordinatorErrorCode.Rejected);
    expect(error.details).toMatchObject({ status: 401, retryable: false });
    expect(error.details.serverCode).toEqual(expect.any(String));
    expect(isRetryable(error)).toBe(false);
  });

  it.each(['503', '429'] as const)('treats %s as retryable', async (mode) => {
    proxy.mode = mode;
    const error = await failure(api.request({ method: 'GET', path: '/api/anything' }));
    expect(error.code).toBe(CoordinatorErrorCode.Unavailable);
    expect(error.details).toMatchObject({ status: Number(mode), serverCode: 'UNAVAILABLE' });
    expect(isRetryable(error)).toBe(true);
  });

  it.each(['hang', 'close', 'garbage'] as const)('treats %s as retryable', async (mode) => {
    proxy.mode = mode;
    const error = await failure(api.request({ method: 'GET', path: '/api/anything' }));
    expect(error.code).toBe(CoordinatorErrorCode.Unavailable);
    expect(isRetryable(error)).toBe(true);
    if (mode === 'hang') expect(error.details.timeout).toBe(true);
  });

  it('close() aborts requests in flight and refuses new ones', async () => {
    proxy.mode = 'hang';
    const before = proxy.requests.length;
    const pending = failure(
      api.request({ method: 'GET', path: '/api/anything', timeoutMs: 10_000 }),
    );
    await until(() => proxy.requests.length > before, 'the request to reach the proxy');
    api.close();
    expect((await pending).code).toBe(SdkErrorCode.Aborted);
    const later = await failure(api.request({ method: 'GET', path: '/api/anything' }));
    expect(later.code).toBe(SdkErrorCode.Aborted);
  });
});
