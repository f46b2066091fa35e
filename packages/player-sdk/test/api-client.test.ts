/**
 * The coordinator client's HTTP layer against the real coordinator (PGlite, port 0), behind a
 * fault proxy for what goes wrong on the way: answers parsed, a 4xx final with the server's code,
 * 5xx, 429, hangs, cut connections and non-JSON answers retryable, close() aborting.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SdkError, SdkErrorCode } from '../src/errors.js';
import { ApiClient } from '../src/coordinator/api-client.js';
import { CoordinatorErrorCode, isRetryable } from '../src/coordinator/errors.js';
import { until } from './engine-events.js';
import { startRealCoordinator, type RealCoordinator } from './real-coordinator.js';

let real: RealCoordinator;
let api: ApiClient;

beforeAll(async () => {
  real = await startRealCoordinator();
});
afterAll(() => real?.close());
beforeEach(() => {
  real.proxy.reset();
  api = new ApiClient({ baseUrl: `${real.proxy.url}/`, timeoutMs: 300 });
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
    expect(real.proxy.requests.at(-1)).toMatchObject({ path: `/api/streams/${streamId}/roots` });
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
    real.proxy.mode = mode;
    const error = await failure(api.request({ method: 'GET', path: '/api/anything' }));
    expect(error.code).toBe(CoordinatorErrorCode.Unavailable);
    expect(error.details).toMatchObject({ status: Number(mode), serverCode: 'UNAVAILABLE' });
    expect(isRetryable(error)).toBe(true);
  });

  it.each(['hang', 'close', 'garbage'] as const)('treats %s as retryable', async (mode) => {
    real.proxy.mode = mode;
    const error = await failure(api.request({ method: 'GET', path: '/api/anything' }));
    expect(error.code).toBe(CoordinatorErrorCode.Unavailable);
    expect(isRetryable(error)).toBe(true);
    if (mode === 'hang') expect(error.details.timeout).toBe(true);
  });

  it('close() aborts requests in flight and refuses new ones', async () => {
    real.proxy.mode = 'hang';
    const before = real.proxy.requests.length;
    const pending = failure(
      api.request({ method: 'GET', path: '/api/anything', timeoutMs: 10_000 }),
    );
    await until(() => real.proxy.requests.length > before, 'the request to reach the proxy');
    api.close();
    expect((await pending).code).toBe(SdkErrorCode.Aborted);
    const later = await failure(api.request({ method: 'GET', path: '/api/anything' }));
    expect(later.code).toBe(SdkErrorCode.Aborted);
  });
});
