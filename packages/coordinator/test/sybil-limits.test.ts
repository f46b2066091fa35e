/**
 * Sybil limits: sessions per minute and live sessions per address and per network, streamer
 * accounts per hour, one live session per public key. Client addresses come from
 * X-Forwarded-For (the test coordinators trust the loopback proxy); each test uses its own /24 so
 * counts from other tests on the file's database never mix in.
 */
import { expect, it } from 'vitest';
import { manualClock, startCoordinator, type Api } from './api.js';
import { describeWithDatabases } from './databases.js';
import { createStream, createStreamer, receiptKeys } from './fixtures.js';

let networkCounter = 0;
/** A /24 no other test uses: `address(n)` is its host n. */
function freshNetwork(): { address: (host: number) => string; prefix: string } {
  networkCounter++;
  const prefix = `172.${16 + (networkCounter >> 8)}.${networkCounter & 255}`;
  return { prefix, address: (host) => `${prefix}.${host}` };
}

async function newSession(
  api: Api,
  streamId: string,
  ip: string,
  body: { publicKey?: string; viewerId?: string } = {},
) {
  const publicKey = body.publicKey ?? (await receiptKeys()).publicKey;
  return api.post('/api/sessions', { streamId, ...body, publicKey }, { ip });
}

const statuses = (responses: Array<{ status: number }>) =>
  responses.map((r) => r.status).sort((a, b) => a - b);

describeWithDatabases('sybil limits', (t) => {
  async function setUp(options: Parameters<typeof startCoordinator>[1] = {}) {
    const clock = manualClock();
    const started = await startCoordinator(t, {
      indexerEnabled: false,
      clock: clock.now,
      ...options,
    });
    const { apiKey } = await createStreamer(started.api, 'owner', {
      ip: freshNetwork().address(1),
    });
    const stream = await createStream(started.api, apiKey);
    return { ...started, clock, streamId: stream.streamId };
  }

  it('caps session creations per minute per address: 429 RATE_LIMITED with Retry-After, other addresses unaffected', async () => {
    const { api, clock, streamId } = await setUp({ sessionsPerMinutePerAddress: 3 });
    const net = freshNetwork();
    for (let i = 0; i < 3; i++)
      expect((await newSession(api, streamId, net.address(1))).status).toBe(201);
    const refused = await newSession(api, streamId, net.address(1));
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect(refused.body.error.message).toMatch(/sessionsPerMinutePerAddress = 3/);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect((await newSession(api, streamId, net.address(2))).status).toBe(201);
    clock.advance(30_000);
    expect((await newSession(api, streamId, net.address(1))).headers.get('retry-after')).toBe('30');
    clock.advance(30_001);
    expect((await newSession(api, streamId, net.address(1))).status).toBe(201);
    const metrics = (await api.get('/metrics')).body as string;
    expect(metrics).toMatch(/limit_refusals_total\{limit="sessionsPerMinutePerAddress"\} 2/);
  });

  it('caps session creations per minute per /24 network', async () => {
    const { api, streamId } = await setUp({ sessionsPerMinutePerNetwork: 4 });
    const net = freshNetwork();
    for (let host = 1; host <= 4; host++)
      expect((await newSession(api, streamId, net.address(host))).status).toBe(201);
    const refused = await newSession(api, streamId, net.address(99));
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(/network.*sessionsPerMinutePerNetwork = 4/);
    expect((await newSession(api, streamId, freshNetwork().address(1))).status).toBe(201);
  });

  it('caps live sessions per address: an ended or expired session frees its place', async () => {
    const { api, clock, streamId } = await setUp({
      liveSessionsPerAddress: 2,
      sessionTtlSeconds: 100,
    });
    const ip = freshNetwork().address(7);
    const first = await newSession(api, streamId, ip);
    clock.advance(10_000);
    const second = await newSession(api, streamId, ip);
    expect([first.status, second.status]).toEqual([201, 201]);
    const refused = await newSession(api, streamId, ip);
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(/live sessions from this address/);
    // The first one expires 100 s after it was last seen, 90 s from now.
    expect(refused.headers.get('retry-after')).toBe('90');
    const ended = await api.delete(`/api/sessions/${first.body.sessionId}`, {
      token: first.body.sessionSecret,
    });
    expect(ended.status).toBe(204);
    expect((await newSession(api, streamId, ip)).status).toBe(201);
    expect((await newSession(api, streamId, ip)).status).toBe(429);
    clock.advance(101_000);
    expect((await newSession(api, streamId, ip)).status).toBe(201);
  });

  it('caps live sessions per /24 network, and an IPv6 /64 counts as one address', async () => {
    const { api, streamId } = await setUp({ liveSessionsPerNetwork: 3, liveSessionsPerAddress: 2 });
    const net = freshNetwork();
    for (let host = 1; host <= 3; host++)
      expect((await newSession(api, streamId, net.address(host))).status).toBe(201);
    const refused = await newSession(api, streamId, net.address(4));
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(/liveSessionsPerNetwork = 3/);
    const prefix = `2001:db8:${networkCounter.toString(16)}:1`;
    expect((await newSession(api, streamId, `${prefix}::1`)).status).toBe(201);
    expect((await newSession(api, streamId, `${prefix}:aaaa::2`)).status).toBe(201);
    const sameLan = await newSession(api, streamId, `${prefix}:ffff:1:2:3`);
    expect(sameLan.status).toBe(429);
    expect(sameLan.body.error.message).toMatch(/liveSessionsPerAddress = 2/);
  });

  it('caps streamer accounts per hour per address and per network', async () => {
    const { api, clock } = await setUp({
      streamersPerHourPerAddress: 2,
      streamersPerHourPerNetwork: 3,
    });
    const net = freshNetwork();
    const create = (ip: string) => api.post('/api/streamers', { name: 'sybil' }, { ip });
    expect(statuses([await create(net.address(1)), await create(net.address(1))])).toEqual([
      201, 201,
    ]);
    const perAddress = await create(net.address(1));
    expect(perAddress.status).toBe(429);
    expect(perAddress.body.error.message).toMatch(/streamersPerHourPerAddress = 2/);
    expect(perAddress.headers.get('retry-after')).toBe('3600');
    expect((await create(net.address(2))).status).toBe(201);
    const perNetwork = await create(net.address(3));
    expect(perNetwork.status).toBe(429);
    expect(perNetwork.body.error.message).toMatch(/streamersPerHourPerNetwork = 3/);
    clock.advance(3_600_001);
    expect((await create(net.address(1))).status).toBe(201);
  });

  it('holds every cap under concurrent requests from one address', async () => {
    const { api, streamId } = await setUp({
      sessionsPerMinutePerAddress: 5,
      streamersPerHourPerAddress: 3,
    });
    const ip = freshNetwork().address(1);
    const sessions = await Promise.all(
      Array.from({ length: 20 }, () => newSession(api, streamId, ip)),
    );
    expect(statuses(sessions)).toEqual([...Array(5).fill(201), ...Array(15).fill(429)]);
    const streamers = await Promise.all(
      Array.from({ length: 12 }, () => api.post('/api/streamers', { name: 'x' }, { ip })),
    );
    expect(statuses(streamers)).toEqual([...Array(3).fill(201), ...Array(9).fill(429)]);
  });

  it('allows one live session per public key: the same viewer replaces its session, another viewer gets 409 KEY_IN_USE', async () => {
    const { api, streamId } = await setUp();
    const net = freshNetwork();
    const { publicKey } = await receiptKeys();
    const first = await newSession(api, streamId, net.address(1), { publicKey });
    expect(first.status).toBe(201);
    const viewerId = first.body.viewerId as string;
    const stolen = await newSession(api, streamId, net.address(2), { publicKey });
    expect(stolen.status).toBe(409);
    expect(stolen.body.error.code).toBe('KEY_IN_USE');
    const again = await newSession(api, streamId, net.address(1), { publicKey, viewerId });
    expect(again.status).toBe(201);
    // The replaced session is over; the new one works.
    const old = await api.post(`/api/sessions/${first.body.sessionId}/token`, undefined, {
      token: first.body.sessionSecret,
    });
    expect(old.status).toBe(401);
    expect(old.body.error.code).toBe('SESSION_EXPIRED');
    const fresh = await api.post(`/api/sessions/${again.body.sessionId}/token`, undefined, {
      token: again.body.sessionSecret,
    });
    expect(fresh.status).toBe(200);
    // Once the holder ends it, the key is free for anyone.
    await api.delete(`/api/sessions/${again.body.sessionId}`, { token: again.body.sessionSecret });
    expect((await newSession(api, streamId, net.address(2), { publicKey })).status).toBe(201);
  });

  it('lets only one of many concurrent viewers take a key', async () => {
    const { api, streamId } = await setUp();
    const net = freshNetwork();
    const { publicKey } = await receiptKeys();
    const tries = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        newSession(api, streamId, net.address(i + 1), { publicKey }),
      ),
    );
    expect(statuses(tries)).toEqual([201, ...Array(9).fill(409)]);
    const live = await t.database.db
      .selectFrom('sessions')
      .select('id')
      .where('public_key', '=', publicKey)
      .where('ended_at', 'is', null)
      .execute();
    expect(live).toHaveLength(1);
  });

  it('has defaults a household never reaches: 10 tabs and reloads from one address all pass', async () => {
    const { api, streamId } = await setUp();
    const ip = freshNetwork().address(1);
    const tabs = await Promise.all(Array.from({ length: 10 }, () => newSession(api, streamId, ip)));
    expect(statuses(tabs)).toEqual(Array(10).fill(201));
    const eleventh = await newSession(api, streamId, ip);
    expect(eleventh.status).toBe(429);
    expect(eleventh.body.error.message).toMatch(/liveSessionsPerAddress = 10/);
  });
});
