import { describe, expect, it } from 'vitest';
import { TRACKER_PROTOCOL_VERSION } from '@streamrp2p/protocol';
import { signTrackerToken, TrackerError } from '../src/index.js';
import {
  connect,
  disconnection,
  ref,
  refusedConnection,
  request,
  startTracker,
} from './helpers.js';

const secret = 'integration-secret-0123456789';
const inAMinute = () => Math.floor(Date.now() / 1000) + 60;

describe('connection', () => {
  it('welcomes a client with a URL-safe peer id and the limits', async () => {
    const { url } = await startTracker({
      maxSwarmsPerSocket: 3,
      maxPeersPerJoin: 7,
      maxEventsPerSecond: 40,
    });
    const { welcome } = await connect(url);
    expect(welcome.peerId).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(welcome).toEqual({
      peerId: welcome.peerId,
      v: TRACKER_PROTOCOL_VERSION,
      limits: { maxSwarmsPerSocket: 3, maxPeersPerJoin: 7, maxEventsPerSecond: 40 },
    });
    const second = await connect(url);
    expect(second.welcome.peerId).not.toBe(welcome.peerId);
  });

  it('refuses another protocol version at connect, with the code', async () => {
    const { url, tracker } = await startTracker();
    const err = await refusedConnection(url, { auth: { v: TRACKER_PROTOCOL_VERSION + 1 } });
    expect(err.data?.code).toBe('VERSION_MISMATCH');
    expect(err.data?.message).toMatch(/protocol v1, client sent v2/);
    expect((await tracker.stats()).rejectedTotal).toEqual({ VERSION_MISMATCH: 1 });
    expect((await tracker.stats()).sockets).toBe(0);
  });

  it.each([
    ['no auth', {}],
    ['a string version', { v: '1' }],
    ['a bad proposed peer id', { v: 1, peerId: 'no spaces allowed' }],
    ['a huge token', { v: 1, token: 'x'.repeat(5000) }],
  ])('refuses a malformed handshake (%s) with BAD_REQUEST', async (_name, auth) => {
    const { url } = await startTracker();
    const err = await refusedConnection(url, { auth });
    expect(err.data?.code).toBe('BAD_REQUEST');
  });

  it('uses a proposed peer id in open mode when it is free, and generates one when it is taken', async () => {
    const { url } = await startTracker();
    const first = await connect(url, { auth: { v: 1, peerId: 'my-peer' } });
    expect(first.welcome.peerId).toBe('my-peer');
    const second = await connect(url, { auth: { v: 1, peerId: 'my-peer' } });
    expect(second.welcome.peerId).not.toBe('my-peer');
    expect(second.welcome.peerId).toMatch(/^[A-Za-z0-9_-]{16}$/);
    // Once the first leaves, the id is free again.
    first.client.disconnect();
    await expect
      .poll(async () => (await connect(url, { auth: { v: 1, peerId: 'my-peer' } })).welcome.peerId)
      .toBe('my-peer');
  });
});

describe('token mode', () => {
  it('refuses a connection without a token', async () => {
    const { url } = await startTracker({ secret });
    const err = await refusedConnection(url, { auth: { v: 1, peerId: 'sneaky' } });
    expect(err.data).toEqual({
      code: 'UNAUTHORIZED',
      message: 'auth.token is required by this tracker',
    });
  });

  it('refuses a token signed with another secret, a garbled one and an expired one', async () => {
    const { url, tracker } = await startTracker({ secret });
    const forged = signTrackerToken('some-other-secret-000000', { peerId: 'p1', exp: inAMinute() });
    const expired = signTrackerToken(secret, {
      peerId: 'p1',
      exp: Math.floor(Date.now() / 1000) - 1,
    });
    for (const [token, message] of [
      [forged, /signature/],
      ['garbage', /payload\.signature/],
      [expired, /expired/],
    ] as const) {
      const err = await refusedConnection(url, { auth: { v: 1, token } });
      expect(err.data?.code).toBe('UNAUTHORIZED');
      expect(err.data?.message).toMatch(message);
    }
    expect((await tracker.stats()).rejectedTotal).toEqual({ UNAUTHORIZED: 3 });
  });

  it("uses the token's peer id, not a proposed one", async () => {
    const { url } = await startTracker({ secret });
    const token = signTrackerToken(secret, { peerId: 'granted-id', exp: inAMinute() });
    const { welcome } = await connect(url, { auth: { v: 1, token, peerId: 'wanted-id' } });
    expect(welcome.peerId).toBe('granted-id');
  });

  it('limits joins to the stream named in the token', async () => {
    const { url } = await startTracker({ secret });
    const token = signTrackerToken(secret, { peerId: 'p1', streamId: 'live1', exp: inAMinute() });
    const { client } = await connect(url, { auth: { v: 1, token } });
    expect(await request(client, 'join', ref('live1'))).toMatchObject({
      ok: true,
      swarm: 'live1:hd',
    });
    expect(await request(client, 'join', ref('other'))).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    });
  });

  it('lets a reconnecting peer take its id over from its stale socket', async () => {
    const { url, tracker } = await startTracker({ secret });
    const token = signTrackerToken(secret, { peerId: 'p1', exp: inAMinute() });
    const old = await connect(url, { auth: { v: 1, token } });
    await request(old.client, 'join', ref('s'));
    const gone = disconnection(old.client);
    const fresh = await connect(url, { auth: { v: 1, token } });
    expect(fresh.welcome.peerId).toBe('p1');
    expect(await gone).toBe('io server disconnect');
    expect(await request(fresh.client, 'join', ref('s'))).toMatchObject({ ok: true, peerId: 'p1' });
    const stats = await tracker.stats();
    expect(stats).toMatchObject({ sockets: 1, peers: 1 });
  });

  it('uses a custom authenticate hook', async () => {
    const { url } = await startTracker({
      authenticate: (handshake, ctx) =>
        handshake.token === 'open-sesame'
          ? { ok: true, peerId: `from-${ctx.ip.replace(/[^0-9]/g, '')}` }
          : { ok: false, error: new TrackerError('UNAUTHORIZED', 'wrong word') },
    });
    expect((await refusedConnection(url, { auth: { v: 1, token: 'nope' } })).data).toEqual({
      code: 'UNAUTHORIZED',
      message: 'wrong word',
    });
    const { welcome } = await connect(url, { auth: { v: 1, token: 'open-sesame' } });
    expect(welcome.peerId).toBe('from-127001');
  });

  it('refuses when a custom hook throws, without crashing', async () => {
    const { url } = await startTracker({
      authenticate: () => {
        throw new Error('database down');
      },
    });
    expect((await refusedConnection(url)).data?.code).toBe('UNAUTHORIZED');
    // The tracker still runs.
    expect((await refusedConnection(url)).data?.code).toBe('UNAUTHORIZED');
  });
});
