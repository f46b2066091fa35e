/**
 * Viewer accounts (issue 13, decision 39): a viewer claims an account and keeps its viewer id,
 * points, history and credit; signing in on another device gives it that viewer id with a
 * device secret that verifies its sessions; each device signs out alone; sign-in answers alike
 * for an unknown email and a wrong password, and is rate limited.
 */
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import type { Api } from './api.js';
import { describeWithDatabases } from './databases.js';
import { DAY, insertReceipts, insertReceivers, insertSupporter } from './economics-setup.js';
import { MAX_LIVE_DEVICES } from '../src/viewer-accounts/viewer-devices.js';
import { hashSecret } from '../src/util/crypto.js';
import { createSession, type TestSession } from './fixtures.js';
import { award, networkIp, pointsSetup } from './points-setup.js';

const PASSWORD = 'correct horse battery';
let emails = 0;
const newEmail = () => `Viewer${++emails}.${Date.now()}@Example.org`;

function claim(api: Api, session: TestSession, body: Record<string, unknown>) {
  return api.post(
    `/api/viewers/${session.viewerId}/account`,
    { email: newEmail(), password: PASSWORD, displayName: 'Ada', ...body },
    { token: session.sessionSecret },
  );
}

describeWithDatabases('viewer accounts', (t) => {
  it('claims an account that keeps the viewer id, its points, history and credit; a second claim of the viewer or the email is refused', async () => {
    const { api, viewer, stream, clock, coordinator } = await pointsSetup(t);
    const db = coordinator.db;
    clock.advance(3 * 60_000);
    expect((await award(api, viewer, 'watch_time', { duration_seconds: 180 })).body.awarded).toBe(
      3,
    );
    // Credit as the roll-up leaves it, with receipts behind it (supporter status, earnings).
    const now = new Date(clock.now());
    const supporter = await insertSupporter(db, stream.streamId, {
      firstSessionAt: new Date(now.getTime() - DAY),
      passed: 0,
      viewerId: viewer.viewerId,
    });
    const receivers = await insertReceivers(db, stream.streamId, now);
    await insertReceipts(db, stream.streamId, supporter, receivers, {
      count: 4,
      byteLength: 1000,
      creditedAt: now,
    });
    await db
      .insertInto('supporter_credits')
      .values({ viewer_id: viewer.viewerId, credited_bytes: 4000, last_credited_at: now })
      .execute();
    const figures = async () => ({
      points: (await api.get(`/api/viewers/${viewer.viewerId}/points`)).body,
      credit: (await api.get(`/api/viewers/${viewer.viewerId}/credit`)).body.creditedBytes,
      history: (
        await db
          .selectFrom('viewer_points')
          .select(sql<number>`count(*)::int4`.as('n'))
          .where('viewer_id', '=', viewer.viewerId)
          .executeTakeFirstOrThrow()
      ).n,
    });
    const before = await figures();
    expect(before.points.balance).toBe(3);
    expect(before.credit).toBe(4000);

    // Only a session that proved the viewer claims it; names are checked.
    const stranger = await createSession(api, stream.streamId, { viewerId: viewer.viewerId });
    const unproven = await claim(api, stranger, {});
    expect([unproven.status, unproven.body.error.code]).toEqual([403, 'VIEWER_NOT_VERIFIED']);
    const badName = await claim(api, viewer, { displayName: 'The Moderator' });
    expect([badName.status, badName.body.error.message]).toEqual([
      400,
      'body.displayName may not pose as a platform role',
    ]);
    const shortPassword = await claim(api, viewer, { password: 'short' });
    expect(shortPassword.status).toBe(400);

    const email = newEmail();
    const claimed = await claim(api, viewer, { email, displayName: '  Ada   Lovelace ' });
    expect(claimed.status).toBe(201);
    expect(claimed.body).toMatchObject({
      viewerId: viewer.viewerId,
      email: email.toLowerCase(),
      displayName: 'Ada Lovelace',
      lastSignInAt: null,
    });
    expect(await figures()).toEqual(before);

    const again = await claim(api, viewer, {});
    expect([again.status, again.body.error.code]).toEqual([409, 'VIEWER_ACCOUNT_EXISTS']);
    const other = await createSession(api, stream.streamId, { ip: networkIp() });
    const sameEmail = await claim(api, other, { email: email.toUpperCase() });
    expect([sameEmail.status, sameEmail.body.error.code]).toEqual([409, 'EMAIL_IN_USE']);

    const path = `/api/viewers/${viewer.viewerId}/account`;
    const read = await api.get(path, { token: viewer.sessionSecret });
    expect(read.body).toEqual(claimed.body);
    expect(read.headers.get('cache-control')).toBe('no-store');
    expect((await api.get(path, { token: stranger.sessionSecret })).status).toBe(403);
    expect(
      (await api.get(`/api/viewers/${other.viewerId}/account`, { token: other.sessionSecret }))
        .status,
    ).toBe(404);
    const renamed = await api.patch(
      path,
      { displayName: 'Countess' },
      { token: viewer.sessionSecret },
    );
    expect(renamed.body.displayName).toBe('Countess');
    const row = await db
      .selectFrom('viewer_accounts')
      .selectAll()
      .where('viewer_id', '=', viewer.viewerId)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(row.password_hash).not.toContain(PASSWORD);
  });

  it('lets exactly one of concurrent claims win, per viewer and per email', async () => {
    const { api, viewer, stream, coordinator } = await pointsSetup(t);
    const sameViewer = await Promise.all(Array.from({ length: 5 }, () => claim(api, viewer, {})));
    expect(sameViewer.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);

    const email = newEmail();
    const viewers = await Promise.all(
      Array.from({ length: 5 }, () => createSession(api, stream.streamId, { ip: networkIp() })),
    );
    const sameEmail = await Promise.all(viewers.map((v) => claim(api, v, { email })));
    expect(sameEmail.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(sameEmail.filter((r) => r.status === 409).map((r) => r.body.error.code)).toEqual(
      Array(4).fill('EMAIL_IN_USE'),
    );
    const accounts = await coordinator.db
      .selectFrom('viewer_accounts')
      .select('viewer_id')
      .where('email', '=', email.toLowerCase())
      .execute();
    expect(accounts).toHaveLength(1);
  });

  it('signs in on another device with the same viewer id and verified sessions; each device signs out alone', async () => {
    const { api, viewer, stream } = await pointsSetup(t);
    const email = newEmail();
    expect((await claim(api, viewer, { email })).status).toBe(201);
    const signIn = () =>
      api.post(
        '/api/viewer-accounts/sign-in',
        { email: email.toUpperCase(), password: PASSWORD, deviceName: 'phone' },
        { ip: networkIp() },
      );
    const deviceB = await signIn();
    expect(deviceB.status).toBe(200);
    expect(deviceB.body).toMatchObject({
      viewerId: viewer.viewerId,
      account: { displayName: 'Ada' },
    });
    expect(deviceB.body.account.lastSignInAt).not.toBeNull();
    expect(deviceB.headers.get('cache-control')).toBe('no-store');
    const onDevice = (secret: string) =>
      createSession(api, stream.streamId, {
        viewerId: viewer.viewerId,
        viewerSecret: secret,
        ip: networkIp(),
      });
    const b = await onDevice(deviceB.body.viewerSecret);
    expect(b.viewerVerified).toBe(true);
    const c = await onDevice((await signIn()).body.viewerSecret);
    expect(c.viewerVerified).toBe(true);
    const account = (s: TestSession) =>
      api.get(`/api/viewers/${viewer.viewerId}/account`, { token: s.sessionSecret });
    const earnings = (s: TestSession) =>
      api.get(`/api/viewers/${viewer.viewerId}/earnings`, { token: s.sessionSecret });
    for (const s of [viewer, b, c]) {
      expect((await account(s)).status).toBe(200);
      expect((await earnings(s)).status).toBe(200);
    }

    const signOut = (s: TestSession) =>
      api.post(`/api/viewers/${viewer.viewerId}/account/sign-out`, undefined, {
        token: s.sessionSecret,
      });
    expect((await signOut(b)).status).toBe(204);
    expect((await account(b)).body.error.code).toBe('VIEWER_NOT_VERIFIED');
    expect((await earnings(b)).status).toBe(403);
    expect((await onDevice(deviceB.body.viewerSecret)).viewerVerified).toBe(false);
    expect((await account(c)).status).toBe(200);
    expect((await account(viewer)).status).toBe(200);

    // The claiming device holds the viewer's own secret: its sign-out replaces it.
    expect((await signOut(viewer)).status).toBe(204);
    expect((await account(viewer)).status).toBe(403);
    expect((await onDevice(viewer.viewerSecret!)).viewerVerified).toBe(false);
    expect((await account(c)).status).toBe(200);
    expect((await signOut(viewer)).status).toBe(403);
  });

  it('keeps at most MAX_LIVE_DEVICES devices signed in, signing out the one used longest ago', async () => {
    const { api, viewer, stream, coordinator, clock } = await pointsSetup(t);
    const email = newEmail();
    expect((await claim(api, viewer, { email })).status).toBe(201);
    // Devices signed in before, each used a minute later than the one before.
    await coordinator.db
      .insertInto('viewer_devices')
      .values(
        Array.from({ length: MAX_LIVE_DEVICES }, (_, i) => ({
          id: `device-${i}`,
          viewer_id: viewer.viewerId,
          secret_hash: hashSecret(`${viewer.viewerId}-secret-${i}`),
          name: `device ${i}`,
          created_at: new Date(clock.now() - 3_600_000),
          last_used_at: new Date(clock.now() - (MAX_LIVE_DEVICES - i) * 60_000),
        })),
      )
      .execute();
    const signedIn = await api.post(
      '/api/viewer-accounts/sign-in',
      { email, password: PASSWORD },
      { ip: networkIp() },
    );
    expect(signedIn.status).toBe(200);
    const live = await coordinator.db
      .selectFrom('viewer_devices')
      .select('id')
      .where('viewer_id', '=', viewer.viewerId)
      .where('revoked_at', 'is', null)
      .execute();
    expect(live).toHaveLength(MAX_LIVE_DEVICES);
    expect(live.map((d) => d.id)).not.toContain('device-0');
    expect(live.map((d) => d.id)).toContain(signedIn.body.deviceId);
    const proves = async (secret: string) =>
      (
        await createSession(api, stream.streamId, {
          viewerId: viewer.viewerId,
          viewerSecret: secret,
          ip: networkIp(),
        })
      ).viewerVerified;
    expect(await proves(`${viewer.viewerId}-secret-0`)).toBe(false);
    expect(await proves(`${viewer.viewerId}-secret-1`)).toBe(true);
    expect(await proves(signedIn.body.viewerSecret)).toBe(true);
  });

  it('answers an unknown email and a wrong password alike, and limits failed sign-ins', async () => {
    const { api, viewer } = await pointsSetup(t, { signInFailuresPerEmail: 3 });
    const email = newEmail();
    expect((await claim(api, viewer, { email })).status).toBe(201);
    const ip = networkIp();
    const signIn = (body: Record<string, unknown>, from = ip) =>
      api.post(
        '/api/viewer-accounts/sign-in',
        { email, password: PASSWORD, ...body },
        { ip: from },
      );
    const wrong = await signIn({ password: `${PASSWORD}!` });
    const unknown = await signIn({ email: newEmail() });
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.body.error).toEqual({
      code: 'INVALID_CREDENTIALS',
      message: 'wrong email or password',
    });
    expect((await signIn({})).status).toBe(200);
    await signIn({ password: `${PASSWORD}!` });
    await signIn({ password: `${PASSWORD}!` });
    // Three failures for this email: even the right password waits, from any address.
    const limited = await signIn({}, networkIp());
    expect([limited.status, limited.body.error.code]).toEqual([429, 'RATE_LIMITED']);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
