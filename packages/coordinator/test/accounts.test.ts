/**
 * Studio accounts over HTTP (decision 34): sign-up and sign-in with email and password, the
 * session cookie and its CSRF checks, sign-out, API keys created, listed and revoked, and keys
 * from before migration 013 still working.
 */
import { Migrator, sql } from 'kysely';
import { expect, it } from 'vitest';
import { MIGRATIONS } from '../src/index.js';
import { hashSecret } from '../src/util/crypto.js';
import { manualClock, startCoordinator, type Api, type ApiResponse, type Json } from './api.js';
import { describeWithDatabases } from './databases.js';
import { createStreamer, nextIp } from './fixtures.js';

const PASSWORD = 'a long enough password';
const HLS = 'http://127.0.0.1:9/live/master.m3u8';
let emails = 0;
const newEmail = () => `Streamer.${++emails}.${Date.now()}@Example.COM`;

/** A signed-in browser: its cookie and CSRF token. */
interface Browser {
  cookie: string;
  csrf: string;
  streamerId: string;
  body: Json;
}

/** The `name=value` a browser would send back for the response's session cookie. */
function cookieOf(res: ApiResponse): string {
  const set = res.headers.getSetCookie().find((c) => c.startsWith('streamrp2p_session='));
  if (set === undefined) throw new Error(`no session cookie: ${JSON.stringify(res.body)}`);
  return set.split(';')[0]!;
}

async function signUp(api: Api, email = newEmail(), ip = nextIp()): Promise<Browser> {
  const res = await api.post('/api/accounts', { email, password: PASSWORD, name: 'Ada' }, { ip });
  if (res.status !== 201) throw new Error(`signUp: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    cookie: cookieOf(res),
    csrf: res.body.csrfToken,
    streamerId: res.body.streamer.streamerId,
    body: res.body,
  };
}

/** Headers of a studio request: the cookie, and the CSRF token unless `csrf` is null. */
function studio(b: Browser, csrf: string | null = b.csrf, extra: Record<string, string> = {}) {
  return {
    headers: { cookie: b.cookie, ...(csrf === null ? {} : { 'x-csrf-token': csrf }), ...extra },
  };
}

describeWithDatabases('accounts', (t) => {
  it('signs up: a streamer, its account, a session cookie (httpOnly, Lax, 30 days) and a CSRF token', async () => {
    const { api, coordinator } = await startCoordinator(t, { indexerEnabled: false });
    const email = newEmail();
    const res = await api.post('/api/accounts', { email, password: PASSWORD, name: 'Ada' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      account: {
        accountId: expect.any(String),
        email: email.toLowerCase(),
        streamerId: expect.any(String),
        createdAt: expect.any(String),
        lastSignInAt: expect.any(String),
      },
      streamer: {
        streamerId: res.body.account.streamerId,
        name: 'Ada',
        createdAt: expect.any(String),
      },
      csrfToken: expect.stringMatching(/^[\w-]{43}$/),
    });
    expect(res.headers.get('cache-control')).toBe('no-store');
    const [set] = res.headers.getSetCookie();
    expect(set).toMatch(
      /^streamrp2p_session=[\w-]{43}; Path=\/; Max-Age=2592000; HttpOnly; SameSite=Lax$/,
    );

    const row = await coordinator.db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', res.body.account.accountId)
      .executeTakeFirstOrThrow();
    expect(row.email).toBe(email.toLowerCase());
    expect(row.password_hash).toMatch(/^scrypt\$15\$8\$1\$/);
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
    const session = await coordinator.db.selectFrom('web_sessions').selectAll().execute();
    const token = decodeURIComponent(cookieOf(res).split('=')[1]!);
    expect(JSON.stringify(session)).not.toContain(token);
    expect(session.map((s) => s.id)).toContain(hashSecret(token));

    const me = await api.get('/api/auth/me', { headers: { cookie: cookieOf(res) } });
    expect([me.status, me.body]).toEqual([200, res.body]);
    expect((await api.get('/api/auth/me')).status).toBe(401);
  });

  it('marks the cookie Secure when the request came over HTTPS (through the trusted proxy)', async () => {
    const { api } = await startCoordinator(t, { indexerEnabled: false });
    const res = await api.post(
      '/api/accounts',
      { email: newEmail(), password: PASSWORD, name: 'Ada' },
      { headers: { 'x-forwarded-proto': 'https' } },
    );
    expect(res.status).toBe(201);
    expect(res.headers.getSetCookie()[0]).toMatch(/; Secure$/);
  });

  it('refuses a taken email (any case), a short password and a malformed email', async () => {
    const { api } = await startCoordinator(t, { indexerEnabled: false });
    const email = newEmail();
    await signUp(api, email);
    const again = await api.post(
      '/api/accounts',
      { email: email.toUpperCase(), password: PASSWORD, name: 'B' },
      { ip: nextIp() },
    );
    expect([again.status, again.body.error.code]).toEqual([409, 'EMAIL_IN_USE']);
    for (const body of [
      { email: newEmail(), password: 'short', name: 'B' },
      { email: 'not an email', password: PASSWORD, name: 'B' },
      { email: `${'a'.repeat(250)}@b.co`, password: PASSWORD, name: 'B' },
      { email: newEmail(), password: 'x'.repeat(201), name: 'B' },
    ]) {
      const res = await api.post('/api/accounts', body, { ip: nextIp() });
      expect([res.status, res.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);
    }
  });

  it('applies the streamer-account Sybil limits to sign-ups', async () => {
    const { api } = await startCoordinator(t, {
      indexerEnabled: false,
      streamersPerHourPerAddress: 1,
    });
    const ip = nextIp();
    await signUp(api, newEmail(), ip);
    const res = await api.post(
      '/api/accounts',
      { email: newEmail(), password: PASSWORD, name: 'B' },
      { ip },
    );
    expect([res.status, res.body.error.code]).toEqual([429, 'RATE_LIMITED']);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('signs in with any case of the email; a wrong password and an unknown email get one answer', async () => {
    const { api } = await startCoordinator(t, { indexerEnabled: false });
    const email = newEmail();
    const first = await signUp(api, email);
    const ok = await api.post('/api/auth/sign-in', {
      email: email.toUpperCase(),
      password: PASSWORD,
    });
    expect(ok.status).toBe(200);
    expect(ok.body.account.accountId).toBe(first.body.account.accountId);
    expect(cookieOf(ok)).not.toBe(first.cookie);
    expect(ok.body.csrfToken).not.toBe(first.csrf);

    const wrong = await api.post('/api/auth/sign-in', { email, password: `${PASSWORD}!` });
    const unknown = await api.post('/api/auth/sign-in', { email: newEmail(), password: PASSWORD });
    expect([wrong.status, wrong.body]).toEqual([401, unknown.body]);
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
    expect(wrong.headers.getSetCookie()).toEqual([]);
  });

  it('limits failed sign-ins per email and per address (429 with Retry-After, even with the right password)', async () => {
    const { api } = await startCoordinator(t, {
      indexerEnabled: false,
      signInFailuresPerEmail: 3,
      signInFailuresPerAddress: 5,
    });
    const email = newEmail();
    await signUp(api, email);
    for (let i = 0; i < 3; i++) {
      const res = await api.post(
        '/api/auth/sign-in',
        { email, password: 'wrong password' },
        { ip: nextIp() },
      );
      expect(res.status).toBe(401);
    }
    const limited = await api.post(
      '/api/auth/sign-in',
      { email, password: PASSWORD },
      { ip: nextIp() },
    );
    expect([limited.status, limited.body.error.code]).toEqual([429, 'RATE_LIMITED']);
    expect(limited.body.error.message).toContain('signInFailuresPerEmail');
    const retry = Number(limited.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(15 * 60);

    // One address guessing many emails.
    const ip = nextIp();
    for (let i = 0; i < 5; i++) {
      const res = await api.post(
        '/api/auth/sign-in',
        { email: newEmail(), password: PASSWORD },
        { ip },
      );
      expect(res.status).toBe(401);
    }
    const other = await signUp(api);
    const byAddress = await api.post(
      '/api/auth/sign-in',
      { email: other.body.account.email, password: PASSWORD },
      { ip },
    );
    expect([byAddress.status, byAddress.body.error.message]).toEqual([
      429,
      expect.stringContaining('signInFailuresPerAddress'),
    ]);
    const elsewhere = await api.post(
      '/api/auth/sign-in',
      { email: other.body.account.email, password: PASSWORD },
      { ip: nextIp() },
    );
    expect(elsewhere.status).toBe(200);
  });

  it('signs out: the session is revoked, the cookie cleared; sign-out itself needs the CSRF token', async () => {
    const { api } = await startCoordinator(t, { indexerEnabled: false });
    const b = await signUp(api);
    const forged = await api.post('/api/auth/sign-out', undefined, studio(b, null));
    expect([forged.status, forged.body.error.code]).toEqual([403, 'CSRF_FAILED']);
    expect((await api.get('/api/auth/me', studio(b))).status).toBe(200);

    const out = await api.post('/api/auth/sign-out', undefined, studio(b));
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie()[0]).toMatch(
      /^streamrp2p_session=; Path=\/; Max-Age=0; HttpOnly/,
    );
    expect((await api.get('/api/auth/me', studio(b))).status).toBe(401);
    const after = await api.post('/api/streams', { hlsUrl: HLS }, studio(b));
    expect([after.status, after.body.error.code]).toEqual([401, 'UNAUTHORIZED']);
  });

  it('ends a session unused for its max age, and slides it (a fresh cookie) when used', async () => {
    const clock = manualClock();
    const { api } = await startCoordinator(t, {
      indexerEnabled: false,
      clock: clock.now,
      webSessionMaxAgeSeconds: 3600,
    });
    const b = await signUp(api);
    clock.advance(30 * 60_000);
    const used = await api.get('/api/auth/me', studio(b));
    expect(used.status).toBe(200);
    expect(used.headers.getSetCookie()[0]).toMatch(/Max-Age=3600;/);
    clock.advance(50 * 60_000); // 80 min after sign-in, 50 after the last use
    expect((await api.get('/api/auth/me', studio(b))).status).toBe(200);
    clock.advance(61 * 60_000);
    expect((await api.get('/api/auth/me', studio(b))).status).toBe(401);
  });

  it('registers a stream with the cookie: CSRF token required and checked, foreign origins refused', async () => {
    const { api, url } = await startCoordinator(t, {
      indexerEnabled: false,
      publicUrl: 'https://studio.example',
    });
    const b = await signUp(api);
    const cases: Array<[string | null, Record<string, string>, string]> = [
      [null, {}, 'missing token'],
      ['x'.repeat(43), {}, 'wrong token'],
      [b.csrf.slice(0, -1), {}, 'truncated token'],
      [b.csrf, { origin: 'https://evil.example' }, 'foreign origin'],
      [b.csrf, { origin: 'null' }, 'opaque origin'],
    ];
    for (const [csrf, extra, what] of cases) {
      const res = await api.post('/api/streams', { hlsUrl: HLS }, studio(b, csrf, extra));
      expect([res.status, res.body.error?.code], what).toEqual([403, 'CSRF_FAILED']);
    }
    // Another session's token does not fit this cookie.
    const other = await signUp(api);
    const crossed = await api.post('/api/streams', { hlsUrl: HLS }, studio(b, other.csrf));
    expect(crossed.status).toBe(403);

    const own = await api.post(
      '/api/streams',
      { hlsUrl: HLS, title: 'Mine' },
      studio(b, b.csrf, { origin: url }),
    );
    expect(own.status).toBe(201);
    expect(own.body.streamerId).toBe(b.streamerId);
    const configured = await api.post(
      '/api/streams',
      { hlsUrl: HLS },
      studio(b, b.csrf, { origin: 'https://studio.example' }),
    );
    expect(configured.status).toBe(201);
    const noOrigin = await api.post('/api/streams', { hlsUrl: HLS }, studio(b));
    expect(noOrigin.status).toBe(201);

    // Reads need no CSRF token, and the owner sees its embed snippet with the cookie.
    const read = await api.get(`/api/streams/${own.body.streamId}`, studio(b, null));
    expect(read.body.embedSnippet).toEqual(expect.any(String));
    const renamed = await api.patch(
      `/api/streams/${own.body.streamId}`,
      { title: 'Renamed' },
      studio(b),
    );
    expect([renamed.status, renamed.body.title]).toEqual([200, 'Renamed']);
    const otherEdit = await api.patch(
      `/api/streams/${own.body.streamId}`,
      { title: 'x' },
      studio(other),
    );
    expect(otherEdit.status).toBe(403);
  });

  it('refuses sign-in and sign-up posted from another origin (login CSRF)', async () => {
    const { api } = await startCoordinator(t, { indexerEnabled: false });
    const email = newEmail();
    await signUp(api, email);
    const foreign = { headers: { origin: 'https://evil.example' } };
    const signIn = await api.post('/api/auth/sign-in', { email, password: PASSWORD }, foreign);
    expect([signIn.status, signIn.body.error.code]).toEqual([403, 'CSRF_FAILED']);
    const up = await api.post(
      '/api/accounts',
      { email: newEmail(), password: PASSWORD, name: 'x' },
      { ...foreign, ip: nextIp() },
    );
    expect(up.status).toBe(403);
  });

  it('creates, lists and revokes API keys; a revoked key is refused at once', async () => {
    const { api, coordinator } = await startCoordinator(t, { indexerEnabled: false });
    const b = await signUp(api);
    const path = `/api/streamers/${b.streamerId}/api-keys`;
    expect((await api.get(path, studio(b))).body).toEqual({ apiKeys: [] });

    const created = await api.post(path, { name: 'OBS plugin' }, studio(b));
    expect(created.status).toBe(201);
    const { apiKey, keyId } = created.body;
    expect(created.body).toEqual({
      keyId: expect.any(String),
      name: 'OBS plugin',
      prefix: apiKey.slice(0, 8),
      createdAt: expect.any(String),
      lastUsedAt: null,
      revokedAt: null,
      apiKey: expect.stringMatching(/^[\w-]{43}$/),
    });
    const forged = await api.post(path, { name: 'x' }, studio(b, null));
    expect(forged.status).toBe(403);

    const stream = await api.post('/api/streams', { hlsUrl: HLS }, { token: apiKey });
    expect([stream.status, stream.body.streamerId]).toEqual([201, b.streamerId]);
    const listed = await api.get(path, { token: apiKey });
    const { apiKey: _shown, ...shown } = created.body;
    expect(listed.body.apiKeys).toEqual([{ ...shown, lastUsedAt: expect.any(String) }]);
    expect(JSON.stringify(listed.body)).not.toContain(apiKey);
    const row = await coordinator.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', keyId)
      .executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(hashSecret(apiKey));
    expect(JSON.stringify(row)).not.toContain(apiKey);

    // A second key, made with the first (a key needs no CSRF token: no ambient credential).
    const second = await api.post(path, { name: 'CI' }, { token: apiKey });
    expect(second.status).toBe(201);
    const revoked = await api.delete(`${path}/${keyId}`, studio(b));
    expect(revoked.status).toBe(204);
    const refused = await api.post('/api/streams', { hlsUrl: HLS }, { token: apiKey });
    expect([refused.status, refused.body.error.code]).toEqual([401, 'UNAUTHORIZED']);
    expect(
      (await api.post('/api/streams', { hlsUrl: HLS }, { token: second.body.apiKey })).status,
    ).toBe(201);
    const after = await api.get(path, studio(b));
    expect(after.body.apiKeys.map((k: Json) => [k.name, k.revokedAt !== null])).toEqual([
      ['CI', false],
      ['OBS plugin', true],
    ]);
    expect((await api.delete(`${path}/${keyId}`, studio(b))).status).toBe(204);
    const unknown = await api.delete(`${path}/no-such-key`, studio(b));
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'API_KEY_NOT_FOUND']);

    // Another streamer's keys are not yours to see or revoke.
    const stranger = await createStreamer(api);
    expect((await api.get(path, { token: stranger.apiKey })).status).toBe(403);
    const theirs = await api.delete(`${path}/${second.body.keyId}`, { token: stranger.apiKey });
    expect(theirs.status).toBe(403);
    expect((await api.get(path)).status).toBe(401);
  });

  it('records the key of POST /api/streamers as its default key, which can be revoked', async () => {
    const { api, coordinator } = await startCoordinator(t, { indexerEnabled: false });
    const { apiKey, streamerId } = await createStreamer(api);
    const path = `/api/streamers/${streamerId}/api-keys`;
    const listed = await api.get(path, { token: apiKey });
    expect(listed.body.apiKeys).toEqual([
      expect.objectContaining({ name: 'default', prefix: apiKey.slice(0, 8), revokedAt: null }),
    ]);
    const keyId = listed.body.apiKeys[0].keyId;
    expect((await api.delete(`${path}/${keyId}`, { token: apiKey })).status).toBe(204);
    expect((await api.post('/api/streams', { hlsUrl: HLS }, { token: apiKey })).status).toBe(401);
    const streamer = await coordinator.db
      .selectFrom('streamers')
      .select('api_key_hash')
      .where('id', '=', streamerId)
      .executeTakeFirstOrThrow();
    expect(streamer.api_key_hash).toBeNull();
  });
});

describeWithDatabases('API keys from before migration 013', (t) => {
  it('moves streamers.api_key_hash into api_keys as the default key, which keeps working', async () => {
    const db = t.database.db;
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    const before = Object.fromEntries(
      Object.entries(MIGRATIONS).filter(([name]) => name < '013_accounts'),
    );
    const migrated = await new Migrator({
      db,
      provider: { getMigrations: () => Promise.resolve(before) },
      migrationTableSchema: rows[0]?.schema,
    }).migrateToLatest();
    expect(migrated.error).toBeUndefined();
    const apiKey = 'a-key-made-before-accounts-existed-0123456';
    await sql`insert into streamers (id, name, api_key_hash, created_at)
      values ('legacy-streamer', 'Old', ${hashSecret(apiKey)}, now())`.execute(db);

    const { api } = await startCoordinator(t, { indexerEnabled: false });
    const stream = await api.post('/api/streams', { hlsUrl: HLS }, { token: apiKey });
    expect([stream.status, stream.body.streamerId]).toEqual([201, 'legacy-streamer']);
    const path = '/api/streamers/legacy-streamer/api-keys';
    const listed = await api.get(path, { token: apiKey });
    expect(listed.body.apiKeys).toEqual([
      expect.objectContaining({ name: 'default', prefix: null, revokedAt: null }),
    ]);
    const keyId = listed.body.apiKeys[0].keyId;
    expect((await api.delete(`${path}/${keyId}`, { token: apiKey })).status).toBe(204);
    expect((await api.post('/api/streams', { hlsUrl: HLS }, { token: apiKey })).status).toBe(401);
  });
});
