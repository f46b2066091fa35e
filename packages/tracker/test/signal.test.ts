import { describe, expect, it } from 'vitest';
import { MAX_SIGNAL_BYTES, type SignalMessage } from '@streamrp2p/protocol';
import { connect, nextEvent, record, ref, request, roundTrip, startTracker } from './helpers.js';

const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };

async function setUp() {
  const { url, tracker } = await startTracker();
  const a = await connect(url, { auth: { v: 1, peerId: 'alice' } });
  const b = await connect(url, { auth: { v: 1, peerId: 'bob' } });
  const c = await connect(url, { auth: { v: 1, peerId: 'carol' } });
  await request(a.client, 'join', ref('s1'));
  await request(b.client, 'join', ref('s1'));
  await request(c.client, 'join', ref('s2'));
  return { tracker, a: a.client, b: b.client, c: c.client };
}

describe('signal relay', () => {
  it('delivers to a peer of the same swarm with the sender as `from`', async () => {
    const { tracker, a, b } = await setUp();
    const received = nextEvent<SignalMessage>(b, 'signal');
    expect(await request(a, 'signal', { swarm: 's1:hd', to: 'bob', data: offer })).toEqual({
      ok: true,
    });
    expect(await received).toEqual({ swarm: 's1:hd', from: 'alice', data: offer });
    // And back.
    const answer = { type: 'answer', sdp: 'v=0\r\n' };
    const back = nextEvent<SignalMessage>(a, 'signal');
    expect(await request(b, 'signal', { swarm: 's1:hd', to: 'alice', data: answer })).toEqual({
      ok: true,
    });
    expect(await back).toEqual({ swarm: 's1:hd', from: 'bob', data: answer });
    expect((await tracker.stats()).signalsRelayedTotal).toBe(2);
  });

  it('does not relay to a peer of another swarm', async () => {
    const { tracker, a, c } = await setUp();
    const carolGot = record(c, 'signal');
    expect(await request(a, 'signal', { swarm: 's1:hd', to: 'carol', data: offer })).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_PEER' },
    });
    await roundTrip(c);
    expect(carolGot).toEqual([]);
    expect((await tracker.stats()).signalsRelayedTotal).toBe(0);
  });

  it('does not relay from a peer that is not in the swarm', async () => {
    const { a, c } = await setUp();
    const aliceGot = record(a, 'signal');
    // carol names alice's swarm, but is not in it.
    expect(await request(c, 'signal', { swarm: 's1:hd', to: 'alice', data: offer })).toMatchObject({
      ok: false,
      error: { code: 'NOT_IN_SWARM' },
    });
    await roundTrip(a);
    expect(aliceGot).toEqual([]);
  });

  it('refuses a signal to an unknown peer or to oneself', async () => {
    const { a } = await setUp();
    const aliceGot = record(a, 'signal');
    for (const to of ['nobody', 'alice']) {
      expect(await request(a, 'signal', { swarm: 's1:hd', to, data: offer })).toMatchObject({
        ok: false,
        error: { code: 'UNKNOWN_PEER' },
      });
    }
    await roundTrip(a);
    expect(aliceGot).toEqual([]);
  });

  it('refuses a signal over MAX_SIGNAL_BYTES with TOO_LARGE and delivers nothing', async () => {
    const { tracker, a, b } = await setUp();
    const bobGot = record(b, 'signal');
    const big = { type: 'offer', sdp: 'x'.repeat(MAX_SIGNAL_BYTES) };
    expect(await request(a, 'signal', { swarm: 's1:hd', to: 'bob', data: big })).toMatchObject({
      ok: false,
      error: { code: 'TOO_LARGE' },
    });
    // Under the limit in characters but over it in bytes counts as too large too.
    const wide = { type: 'offer', sdp: 'é'.repeat(MAX_SIGNAL_BYTES / 2 + 10) };
    expect(await request(a, 'signal', { swarm: 's1:hd', to: 'bob', data: wide })).toMatchObject({
      ok: false,
      error: { code: 'TOO_LARGE' },
    });
    await roundTrip(b);
    expect(bobGot).toEqual([]);
    expect((await tracker.stats()).rejectedTotal.TOO_LARGE).toBe(2);
    // The socket is still usable.
    expect(await request(a, 'signal', { swarm: 's1:hd', to: 'bob', data: offer })).toEqual({
      ok: true,
    });
  });

  it('refuses malformed signals with BAD_REQUEST', async () => {
    const { a, b } = await setUp();
    const bobGot = record(b, 'signal');
    for (const payload of [
      { swarm: 's1:hd', to: 'bob' },
      { swarm: 's1:hd', to: 'bob', data: 'offer' },
      { swarm: 's1:hd', to: 'bob', data: { type: 5 } },
      { swarm: 's1:hd', to: 'bob!', data: offer },
      { swarm: 's1', to: 'bob', data: offer },
      { to: 'bob', data: offer },
    ]) {
      expect(await request(a, 'signal', payload)).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST' },
      });
    }
    await roundTrip(b);
    expect(bobGot).toEqual([]);
  });
});
