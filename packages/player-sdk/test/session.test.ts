/**
 * The coordinator session of the SDK against the real coordinator (PGlite, port 0) on a clock the
 * test moves, behind a fault proxy that records what was sent and fails on demand: the key it
 * registers and its signatures, the viewer id and secret kept between visits, token refresh, and
 * the session's end.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isLowS, RECEIPT_SIGNATURE_ALGORITHM } from '@streamrp2p/protocol';
import { ApiClient } from '../src/coordinator/api-client.js';
import { fromBase64Url } from '../src/coordinator/base64url.js';
import { Session, type SessionOptions } from '../src/coordinator/session.js';
import { VIEWER_ID_STORAGE_KEY, viewerSecretKey } from '../src/coordinator/viewer-id.js';
import { startRealCoordinator, type RealCoordinator } from './real-coordinator.js';

const TOKEN_TTL_MS = 300_000;
let clock = Date.now();
let real: RealCoordinator;
let api: ApiClient;

beforeAll(async () => {
  real = await startRealCoordinator({
    config: {
      clock: () => clock,
      trackerTokenTtlSeconds: TOKEN_TTL_MS / 1000,
      // The clock jumps by minutes between requests: sessions must not expire meanwhile.
      sessionTtlSeconds: 3600,
    },
  });
});
afterAll(() => real?.close());
beforeEach(() => {
  real.proxy.reset();
  api = new ApiClient({ baseUrl: real.proxy.url, timeoutMs: 1000 });
});
afterEach(() => api.close());

function options(overrides: Partial<SessionOptions> = {}): SessionOptions {
  return {
    streamId: real.streamId,
    viewerId: undefined,
    storage: undefined,
    now: () => clock,
    tokenRefreshMarginMs: 60_000,
    ...overrides,
  };
}

function memoryStorage() {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => void data.set(key, value),
  };
}

/** The body of the n-th session creation the proxy saw. */
const created = (n: number) =>
  real.proxy.requests.filter((r) => r.method === 'POST' && r.path === '/api/sessions')[n]!.body as {
    streamId: string;
    publicKey: string;
    viewerId?: string;
    viewerSecret?: string;
    referralCode?: string;
  };

async function verifies(publicKey: string, data: Uint8Array<ArrayBuffer>, signature: string) {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256' };
  const key = await crypto.subtle.importKey('raw', fromBase64Url(publicKey), algorithm, false, [
    'verify',
  ]);
  const verify = { name: 'ECDSA', hash: RECEIPT_SIGNATURE_ALGORITHM.hash };
  return crypto.subtle.verify(verify, key, fromBase64Url(signature), data);
}

describe('Session', () => {
  it('registers a raw P-256 public key that verifies its low-S signatures', async () => {
    const session = await Session.create(api, options());
    const sent = created(0);
    expect(sent.streamId).toBe(real.streamId);
    expect(fromBase64Url(sent.publicKey)).toHaveLength(65);
    for (let i = 0; i < 12; i++) {
      const data = new TextEncoder().encode(`batch ${i}`);
      const signature = await session.sign(data);
      expect(fromBase64Url(signature)).toHaveLength(64); // P1363 r || s
      expect(isLowS(fromBase64Url(signature))).toBe(true);
      expect(await verifies(sent.publicKey, data, signature)).toBe(true);
      const other = new TextEncoder().encode('other bytes');
      expect(await verifies(sent.publicKey, other, signature)).toBe(false);
    }
    expect(session.info).toEqual({
      sessionId: expect.any(String),
      peerId: expect.any(String),
      viewerId: expect.any(String),
    });
  });

  it('sends a well-formed referral code, from its option or the page URL, and no malformed one', async () => {
    await Session.create(api, options({ referralCode: 'abcd2345' }));
    await Session.create(api, options({ referralCode: 'no!' }));
    // Node has no page URL: without a valid option, nothing is sent.
    expect([created(0).referralCode, created(1).referralCode]).toEqual(['ABCD2345', undefined]);
  });

  it("stores the assigned viewer id and the viewer's secret, and proves the viewer with it later", async () => {
    const storage = memoryStorage();
    const first = await Session.create(api, options({ storage }));
    expect(storage.data.get(VIEWER_ID_STORAGE_KEY)).toBe(first.viewerId);
    const secret = storage.data.get(viewerSecretKey(first.viewerId));
    expect(secret).toEqual(expect.any(String));
    const second = await Session.create(api, options({ storage }));
    expect(second.viewerId).toBe(first.viewerId);
    expect(created(1)).toMatchObject({ viewerId: first.viewerId, viewerSecret: secret });
  });

  it('sends an explicit viewer id without storing it', async () => {
    const storage = memoryStorage();
    const owner = await Session.create(api, options({ storage }));
    const kept = memoryStorage();
    kept.setItem(VIEWER_ID_STORAGE_KEY, 'anon-1');
    await Session.create(api, options({ storage: kept, viewerId: owner.viewerId })).catch(
      () => undefined,
    );
    expect(created(1).viewerId).toBe(owner.viewerId);
    expect(kept.data.get(VIEWER_ID_STORAGE_KEY)).toBe('anon-1');
  });

  it('survives a storage that throws', async () => {
    const denied = () => {
      throw new Error('denied');
    };
    const session = await Session.create(
      api,
      options({ storage: { getItem: denied, setItem: denied } }),
    );
    expect(session.viewerId).toEqual(expect.any(String));
  });

  it('refreshes the tracker token shortly before it expires, once for concurrent callers', async () => {
    const session = await Session.create(api, options());
    const first = await session.trackerToken();
    clock += TOKEN_TTL_MS - 100_000; // 100 s left: still outside the 60 s margin
    expect(await session.trackerToken()).toBe(first);
    expect(real.proxy.count('POST', /\/token$/)).toBe(0);
    clock += 50_000; // 50 s left
    const [a, b] = await Promise.all([session.trackerToken(), session.trackerToken()]);
    expect(a).not.toBe(first);
    expect(b).toBe(a);
    expect(real.proxy.count('POST', /\/token$/)).toBe(1);
    expect(session.trackerTokenExpiresAt).toBe(Math.floor(clock / 1000) * 1000 + TOKEN_TTL_MS);
    expect(await session.trackerToken()).toBe(a);
    expect(real.proxy.count('POST', /\/token$/)).toBe(1);
  });

  it('keeps a still-valid token when the refresh fails, and fails once it expired', async () => {
    const session = await Session.create(api, options());
    const first = await session.trackerToken();
    real.proxy.mode = '503';
    clock += TOKEN_TTL_MS - 10_000;
    expect(await session.trackerToken()).toBe(first);
    clock += 20_000;
    await expect(session.trackerToken()).rejects.toMatchObject({
      code: 'COORDINATOR_UNAVAILABLE',
    });
  });

  it('ends the session with DELETE, and says false when the coordinator is away', async () => {
    const session = await Session.create(api, options());
    real.proxy.mode = 'close';
    expect(await session.end(500)).toBe(false);
    real.proxy.mode = 'pass';
    expect(await session.end(500)).toBe(true);
    const row = await real.coordinator.db
      .selectFrom('sessions')
      .select('ended_at')
      .where('id', '=', session.sessionId)
      .executeTakeFirstOrThrow();
    expect(row.ended_at).not.toBeNull();
    // Ending it again is harmless: the coordinator answers DELETE idempotently.
    expect(await session.end(500)).toBe(true);
  });
});
