import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SdkError, SdkErrorCode } from '../errors.js';
import { ApiClient } from './api-client.js';
import { CoordinatorErrorCode, isRetryable } from './errors.js';
import { startFakeCoordinator, type FakeCoordinator } from './fake-coordinator.fixture.js';

let server: FakeCoordinator;
let api: ApiClient;

beforeEach(async () => {
  server = await startFakeCoordinator();
  api = new ApiClient({ baseUrl: `${server.url}/`, timeoutMs: 300 });
});
afterEach(async () => {
  api.close();
  await server.close();
});

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
    await server.addSegment('720p', 3, new Uint8Array(10));
    const body = await api.request({
      method: 'GET',
      path: '/api/streams/demo/roots',
      query: { rendition: '720p', from: 0, to: 5 },
      bearer: 'abc',
    });
    expect(body).toMatchObject({ rendition: '720p', roots: [{ sequence: 3, byteLength: 10 }] });
    expect(server.requests[0]).toMatchObject({ path: '/api/streams/demo/roots', auth: 'abc' });
  });

  it('turns a 4xx error body into a final error with status and server code', async () => {
    const error = await failure(
      api.request({ method: 'POST', path: '/api/receipts', bearer: 'x', body: { sessionId: 'x' } }),
    );
    expect(error.code).toBe(CoordinatorErrorCode.Rejected);
    expect(error.details).toMatchObject({
      status: 404,
      serverCode: 'SESSION_NOT_FOUND',
      retryable: false,
    });
    expect(isRetryable(error)).toBe(false);
  });

  it.each(['503', '429'] as const)('treats %s as retryable', async (mode) => {
    server.failMode = mode;
    const error = await failure(api.request({ method: 'GET', path: '/api/anything' }));
    expect(error.code).toBe(CoordinatorErrorCode.Unavailable);
    expect(error.details).toMatchObject({ status: Number(mode), serverCode: 'UNAVAILABLE' });
    expect(isRetryable(error)).toBe(true);
  });

  it.each(['hang', 'close', 'garbage'] as const)('treats %s as retryable', async (mode) => {
    server.failMode = mode;
    const error = await failure(api.request({ method: 'GET', path: '/api/anything' }));
    expect(error.code).toBe(CoordinatorErrorCode.Unavailable);
    expect(isRetryable(error)).toBe(true);
    if (mode === 'hang') expect(error.details.timeout).toBe(true);
  });

  it('close() aborts requests in flight and refuses new ones', async () => {
    server.failMode = 'hang';
    const pending = failure(
      api.request({ method: 'GET', path: '/api/anything', timeoutMs: 10_000 }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    api.close();
    expect((await pending).code).toBe(SdkErrorCode.Aborted);
    const later = await failure(api.request({ method: 'GET', path: '/api/anything' }));
    expect(later.code).toBe(SdkErrorCode.Aborted);
  });
});
