import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isLowS } from '@streamrp2p/protocol';
import { ApiClient } from './api-client.js';
import { fromBase64Url } from './base64url.js';
import {
  memoryStorage,
  startFakeCoordinator,
  type FakeCoordinator,
} from './fake-coordinator.fixture.js';
import { Session, type SessionOptions } from './session.js';
import { VIEWER_ID_STORAGE_KEY, viewerSecretKey } from './viewer-id.js';

let server: FakeCoordinator;
let api: ApiClient;
let clock: number;

beforeEach(async () => {
  server = await startFakeCoordinator();
  api = new ApiClient({ baseUrl: server.url, timeoutMs: 500 });
  clock = 1_700_000_000_000;
  server.now = () => clock;
});
afterEach(async () => {
  api.close();
  await server.close();
});

function options(overrides: Partial<SessionOptions> = {}): SessionOptions {
  return {
    streamId: 'demo',
    viewerId: undefined,
    storage: undefined,
    now: () => clock,
    tokenRefreshMarginMs: 60_000,
    ...overrides,
  };
}

describe('Session', () => {
  it('registers a raw P-256 public key that verifies its signatures', async () => {
    const session = await Session.create(api, options());
    const sent = server.requests[0]!.body as { streamId: string; publicKey: string };
    expect(sent.streamId).toBe('demo');
    expect(fromBase64Url(sent.publicKey)).toHaveLength(65);
    const data = new TextEncoder().encode('receipt bytes');
    const signature = await session.sign(data);
    expect(fromBase64Url(signature)).toHaveLength(64); // P1363 r || s
    expect(await server.verifySignature(session.sessionId, data, signature)).toBe(true);
    const other = new TextEncoder().encode('other bytes');
    expect(await server.verifySignature(session.sessionId, other, signature)).toBe(false);
    expect(session.info).toEqual({ sessionId: 's1', peerId: 'peer1', viewerId: 'viewer-1' });
  });

  it('sends a well-formed referral code, from its option or the page URL, and no malformed one', async () => {
    await Session.create(api, options({ referralCode: 'abcd2345' }));
    await Session.create(api, options({ referralCode: 'no!' }));
    const sent = server.requests.map((r) => (r.body as { referralCode?: string }).referralCode);
    // Node has no page URL: without a valid option, nothing is sent.
    expect(sent).toEqual(['ABCD2345', undefined]);
  });

  it('signs low-S only (the coordinator refuses the high-S twin), and the signatures verify', async () => {
    const session = await Session.create(api, options());
    for (let i = 0; i < 24; i++) {
      const data = new TextEncoder().encode(`batch ${i}`);
      const signature = await session.sign(data);
      expect(isLowS(fromBase64Url(signature))).toBe(true);
      expect(await server.verifySignature(session.sessionId, data, signature)).toBe(true);
    }
  });

  it('stores the server-assigned viewer id and reuses it next time', async () => {
    const storage = memoryStorage();
    const first = await Session.create(api, options({ storage }));
    expect(storage.data.get(VIEWER_ID_STORAGE_KEY)).toBe(first.viewerId);
    const second = await Session.create(api, options({ storage }));
    expect(second.viewerId).toBe(first.viewerId);
    expect((server.requests[1]!.body as { viewerId?: string }).viewerId).toBe(first.viewerId);
  });

  it("keeps the viewer's secret from its first session and proves the viewer with it later", async () => {
    const storage = memoryStorage();
    const first = await Session.create(api, options({ storage }));
    expect(storage.data.get(viewerSecretKey(first.viewerId))).toBe(
      `viewer-secret-of-${first.viewerId}`,
    );
    await Session.create(api, options({ storage }));
    const sent = server.requests[1]!.body as { viewerId?: string; viewerSecret?: string };
    expect(sent).toMatchObject({
      viewerId: first.viewerId,
      viewerSecret: `viewer-secret-of-${first.viewerId}`,
    });
  });

  it('sends an explicit viewer id without storing it', async () => {
    const storage = memoryStorage();
    storage.setItem(VIEWER_ID_STORAGE_KEY, 'anon-1');
    const session = await Session.create(api, options({ storage, viewerId: 'account-7' }));
    expect(session.viewerId).toBe('account-7');
    expect(storage.data.get(VIEWER_ID_STORAGE_KEY)).toBe('anon-1');
  });

  it('survives a storage that throws', async () => {
    const storage = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    const session = await Session.create(api, options({ storage }));
    expect(session.viewerId).toBe('viewer-1');
  });

  it('refreshes the tracker token shortly before it expires, once for concurrent callers', async () => {
    server.tokenTtlSeconds = 300;
    const session = await Session.create(api, options());
    const first = await session.trackerToken();
    clock += 200_000; // 100 s left: still outside the 60 s margin
    expect(await session.trackerToken()).toBe(first);
    expect(server.count('POST', /\/token$/)).toBe(0);
    clock += 50_000; // 50 s left
    const [a, b] = await Promise.all([session.trackerToken(), session.trackerToken()]);
    expect(a).not.toBe(first);
    expect(b).toBe(a);
    expect(server.count('POST', /\/token$/)).toBe(1);
    expect(session.trackerTokenExpiresAt).toBe(Math.floor(clock / 1000) * 1000 + 300_000);
    expect(await session.trackerToken()).toBe(a);
    expect(server.count('POST', /\/token$/)).toBe(1);
  });

  it('keeps a still-valid token when the refresh fails, and fails once it expired', async () => {
    server.tokenTtlSeconds = 100;
    const session = await Session.create(api, options());
    const first = await session.trackerToken();
    server.failMode = '503';
    clock += 90_000;
    expect(await session.trackerToken()).toBe(first);
    clock += 20_000;
    await expect(session.trackerToken()).rejects.toMatchObject({
      code: 'COORDINATOR_UNAVAILABLE',
    });
  });

  it('ends the session with DELETE', async () => {
    const session = await Session.create(api, options());
    expect(await session.end(500)).toBe(true);
    expect(server.sessions.get(session.sessionId)!.ended).toBe(true);
    expect(await session.end(500)).toBe(false);
  });
});
