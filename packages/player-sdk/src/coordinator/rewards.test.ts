import { describe, expect, it } from 'vitest';
import { ApiClient, type FetchLike } from './api-client.js';
import { fetchRewardFigures, fetchSupporterCount } from './rewards.js';

/** A coordinator answering `routes[path]` (status and body), recording each request. */
function fakeApi(routes: Record<string, [number, unknown]>) {
  const seen: { path: string; auth: string | null }[] = [];
  const fetch: FetchLike = async (url, init) => {
    const path = new URL(url).pathname;
    seen.push({ path, auth: new Headers(init.headers).get('authorization') });
    const [status, body] = routes[path] ?? [404, { error: { code: 'NOT_FOUND', message: '' } }];
    return new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  };
  return {
    api: new ApiClient({ baseUrl: 'http://coordinator.test', timeoutMs: 1000, fetch }),
    seen,
  };
}

const CREDIT = { viewerId: 'v1', creditedBytes: 5000, payableBytes: 4000 };
const EARNINGS = {
  viewerId: 'v1',
  currency: 'USD',
  earnedThisMonthMicros: 1_230_000,
  owedMicros: 500_000,
};

describe('rewards reads', () => {
  it('reads the credit, then the earnings with the session secret', async () => {
    const { api, seen } = fakeApi({
      '/api/viewers/v1/credit': [200, CREDIT],
      '/api/viewers/v1/earnings': [200, EARNINGS],
    });
    expect(await fetchRewardFigures(api, 'v1', 's3cret')).toEqual({
      creditedBytes: 5000,
      payableBytes: 4000,
      earnings: { currency: 'USD', earnedThisMonthMicros: 1_230_000, owedMicros: 500_000 },
    });
    expect(seen).toEqual([
      { path: '/api/viewers/v1/credit', auth: null },
      { path: '/api/viewers/v1/earnings', auth: 'Bearer s3cret' },
    ]);
  });

  it('asks no earnings before any credit, and shows none to an unverified session', async () => {
    const none = fakeApi({ '/api/viewers/v1/credit': [200, { ...CREDIT, creditedBytes: 0 }] });
    expect((await fetchRewardFigures(none.api, 'v1', 's')).earnings).toBeUndefined();
    expect(none.seen).toHaveLength(1);
    const unverified = fakeApi({
      '/api/viewers/v1/credit': [200, CREDIT],
      '/api/viewers/v1/earnings': [403, { error: { code: 'VIEWER_NOT_VERIFIED', message: '' } }],
    });
    expect(await fetchRewardFigures(unverified.api, 'v1', 's')).toMatchObject({
      creditedBytes: 5000,
      earnings: undefined,
    });
  });

  it('rejects a malformed answer or a server failure', async () => {
    const bad = fakeApi({ '/api/viewers/v1/credit': [200, { creditedBytes: 'lots' }] });
    await expect(fetchRewardFigures(bad.api, 'v1', 's')).rejects.toThrow(/malformed/);
    const down = fakeApi({
      '/api/viewers/v1/credit': [200, CREDIT],
      '/api/viewers/v1/earnings': [500, { error: { code: 'INTERNAL', message: '' } }],
    });
    await expect(fetchRewardFigures(down.api, 'v1', 's')).rejects.toThrow(/500/);
  });

  it('reads the supporter count of the stream', async () => {
    const { api } = fakeApi({
      '/api/streams/demo/supporters': [200, { streamId: 'demo', supporters: 7, windowDays: 30 }],
    });
    expect(await fetchSupporterCount(api, 'demo')).toBe(7);
  });
});
