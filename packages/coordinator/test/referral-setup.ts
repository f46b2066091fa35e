/** Helpers of the referral suites: codes, sessions opened through share links, watching. */
import { expect } from 'vitest';
import { manualClock, startCoordinator, type Api } from './api.js';
import type { TestDatabase } from './databases.js';
import { ADMIN_KEY } from './economics-setup.js';
import { createSession, createStream, receiptKeys, type TestSession } from './fixtures.js';
import { award, networkIp, streamerFrom } from './points-setup.js';

export const PASSWORD = 'a long enough password';
let emails = 0;
export const newEmail = () => `referred.${++emails}.${Date.now()}@example.com`;

/**
 * A coordinator on a manual clock (a minute of watching before a share pays, no audience rule,
 * long-lived sessions), a streamer, its stream and a sharer that has watched it for a minute.
 */
export async function referralSetup(t: TestDatabase, options = {}) {
  const clock = manualClock();
  const started = await startCoordinator(t, {
    indexerEnabled: false,
    clock: clock.now,
    adminApiKey: ADMIN_KEY,
    pointsMinWatchSeconds: 60,
    pointsMinAudience: 0,
    sessionTtlSeconds: 100 * 24 * 3600,
    ...options,
  });
  const { api } = started;
  const streamer = await streamerFrom(api);
  const stream = await createStream(api, streamer.apiKey);
  const sharer = await createSession(api, stream.streamId, { ip: networkIp() });
  clock.advance(60_000);
  await watch(api, sharer, 60);
  return { ...started, clock, streamer, stream, sharer };
}

/** A watch_time heartbeat of `seconds`; answers what it paid. */
export async function watch(api: Api, session: TestSession, seconds: number): Promise<number> {
  const res = await award(api, session, 'watch_time', { duration_seconds: seconds });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.awarded as number;
}

/** The viewer's referrals answer (its code and rows), read with its own session secret. */
export async function referralsOf(api: Api, session: TestSession) {
  const res = await api.get(`/api/viewers/${session.viewerId}/referrals`, {
    token: session.sessionSecret,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as {
    code: string;
    referrals: Array<{
      kind: string;
      role: string;
      status: string;
      refusal: string | null;
      rewards: Array<{ kind: string; points: number | null; amountMicros: number | null }>;
    }>;
  };
}

/** A session opened from a share link with `code` (a new viewer unless `viewerId` is given). */
export async function arrive(
  api: Api,
  streamId: string,
  code: string,
  opts: { ip?: string; viewerId?: string; viewerSecret?: string; publicKey?: string } = {},
): Promise<TestSession> {
  const keys = await receiptKeys();
  const ip = opts.ip ?? networkIp();
  const res = await api.post(
    '/api/sessions',
    {
      streamId,
      publicKey: opts.publicKey ?? keys.publicKey,
      referralCode: code,
      ...(opts.viewerId === undefined ? {} : { viewerId: opts.viewerId }),
      ...(opts.viewerSecret === undefined ? {} : { viewerSecret: opts.viewerSecret }),
    },
    { ip },
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { ...res.body, privateKey: keys.privateKey, ip, streamId };
}

/** The viewer's points balance. */
export async function balanceOf(api: Api, viewerId: string): Promise<number> {
  return (await api.get(`/api/viewers/${viewerId}/points`)).body.balance as number;
}

/** Signs a streamer up with `code` from `ip`: its id and its cookie. */
export async function signUpWith(api: Api, code: string | undefined, ip = networkIp()) {
  const res = await api.post(
    '/api/accounts',
    {
      email: newEmail(),
      password: PASSWORD,
      name: 'Referred',
      ...(code === undefined ? {} : { referralCode: code }),
    },
    { ip },
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('streamrp2p_session='))!
    .split(';')[0]!;
  return {
    streamerId: res.body.streamer.streamerId as string,
    cookie,
    email: res.body.account.email as string,
  };
}
