/**
 * Meeting tickets (decision 22): with a secret, every relayed signal carries a ticket naming both
 * peers and the swarm, in the message and in the sender's ack; a pair still in the swarm renews
 * it by presenting the newest one. Also across two processes sharing Redis.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SignalMessage } from '@streamrp2p/protocol';

import { issueMeetingTicket, signTrackerToken, verifyMeetingTicket } from '../src/index.js';
import { connect, nextEvent, ref, request, startTracker } from './helpers.js';
import { REDIS_URL, redisAvailable } from './redis.js';

const secret = 'tracker-secret-for-tickets-0123';
const offer = { type: 'offer', sdp: 'v=0\r\n' };
const redisUp = await redisAvailable();

function auth(peerId: string, streamId = 's1') {
  const exp = Math.floor(Date.now() / 1000) + 60;
  return { v: 1, token: signTrackerToken(secret, { peerId, streamId, exp }) };
}

/** Alice and Bob in swarm s1:hd, each on the given tracker URL. */
async function meet(aliceUrl: string, bobUrl: string) {
  const alice = (await connect(aliceUrl, { auth: auth('alice') })).client;
  const bob = (await connect(bobUrl, { auth: auth('bob') })).client;
  await request(alice, 'join', ref('s1'));
  await request(bob, 'join', ref('s1'));
  return { alice, bob };
}

describe('meeting tickets', () => {
  it('gives both peers of a relayed signal the same ticket, which verifies with the secret', async () => {
    const { url, tracker } = await startTracker({ secret });
    const { alice, bob } = await meet(url, url);
    const received = nextEvent<SignalMessage>(bob, 'signal');
    const before = Date.now();
    const ack = await request<{ ok: true; ticket: string }>(alice, 'signal', {
      swarm: 's1:hd',
      to: 'bob',
      data: offer,
    });
    const message = await received;
    expect(message).toMatchObject({ swarm: 's1:hd', from: 'alice', data: offer });
    expect(message.ticket).toBe(ack.ticket);
    const payload = verifyMeetingTicket(secret, ack.ticket)!;
    expect(payload).toMatchObject({ v: 1, swarm: 's1:hd', peers: ['alice', 'bob'] });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.iat).toBeLessThanOrEqual(Date.now());
    expect(verifyMeetingTicket('another-secret-0123456789', ack.ticket)).toBeUndefined();
    expect(await tracker.metrics.registry.metrics()).toMatch(
      /streamrp2p_tracker_tickets_issued_total\{via="signal"\} 1/,
    );
  });

  it('tells clients how often to renew in welcome, and issues nothing in open mode', async () => {
    const secured = await startTracker({ secret, meetingTicketRenewMs: 120_000 });
    const { welcome } = await connect(secured.url, { auth: auth('carol') });
    expect(welcome.tickets).toEqual({ renewMs: 120_000 });

    const open = await startTracker();
    const a = await connect(open.url, { auth: { v: 1, peerId: 'alice' } });
    const b = await connect(open.url, { auth: { v: 1, peerId: 'bob' } });
    expect(a.welcome.tickets).toBeUndefined();
    await request(a.client, 'join', ref('s1'));
    await request(b.client, 'join', ref('s1'));
    const received = nextEvent<SignalMessage>(b.client, 'signal');
    expect(await request(a.client, 'signal', { swarm: 's1:hd', to: 'bob', data: offer })).toEqual({
      ok: true,
    });
    expect((await received).ticket).toBeUndefined();
  });

  it('renews the ticket of a pair still in the swarm, and nothing else', async () => {
    const { url } = await startTracker({
      secret,
      meetingTicketRenewMs: 20_000,
      meetingTicketMaxAgeMs: 60_000,
    });
    const { alice, bob } = await meet(url, url);
    const carol = (await connect(url, { auth: auth('carol') })).client;
    await request(carol, 'join', ref('s1'));
    const first = await request<{ ok: true; ticket: string }>(alice, 'signal', {
      swarm: 's1:hd',
      to: 'bob',
      data: offer,
    });
    const renewed = await request<{ ok: true; ticket: string }>(alice, 'ticket', {
      swarm: 's1:hd',
      peerId: 'bob',
      ticket: first.ticket,
    });
    expect(renewed.ok).toBe(true);
    expect(verifyMeetingTicket(secret, renewed.ticket)!.iat).toBeGreaterThanOrEqual(
      verifyMeetingTicket(secret, first.ticket)!.iat,
    );
    const refused = (code: string) => ({ ok: false, error: expect.objectContaining({ code }) });
    // Carol never signalled with Bob: Alice's ticket does not name her pair.
    expect(
      await request(carol, 'ticket', { swarm: 's1:hd', peerId: 'bob', ticket: first.ticket }),
    ).toEqual(refused('BAD_TICKET'));
    // A forged ticket, and one too old to renew.
    const forged = issueMeetingTicket('not-the-secret-0123456789', 's1:hd', 'alice', 'bob');
    expect(
      await request(alice, 'ticket', { swarm: 's1:hd', peerId: 'bob', ticket: forged }),
    ).toEqual(refused('BAD_TICKET'));
    const old = issueMeetingTicket(secret, 's1:hd', 'alice', 'bob', Date.now() - 61_000);
    expect(await request(alice, 'ticket', { swarm: 's1:hd', peerId: 'bob', ticket: old })).toEqual(
      refused('BAD_TICKET'),
    );
    // Malformed requests.
    for (const bad of [
      { swarm: 's1:hd', peerId: 'bob' },
      { swarm: 's1:hd', peerId: 'bob', ticket: 'x'.repeat(1025) },
      { swarm: 'no-colon', peerId: 'bob', ticket: first.ticket },
      { swarm: 's1:hd', peerId: 'b o b', ticket: first.ticket },
    ]) {
      expect(await request(alice, 'ticket', bad)).toEqual(refused('BAD_REQUEST'));
    }
    // Once Bob left the swarm, the pair cannot renew.
    await request(bob, 'leave', { swarm: 's1:hd' });
    expect(
      await request(alice, 'ticket', { swarm: 's1:hd', peerId: 'bob', ticket: renewed.ticket }),
    ).toEqual(refused('UNKNOWN_PEER'));
  });

  describe.skipIf(!redisUp)('across two tracker processes on Redis', () => {
    it('tickets issued by one process verify and renew on the other', async () => {
      const keyPrefix = `test-${randomBytes(6).toString('hex')}:`;
      const shared = { redisUrl: REDIS_URL, keyPrefix, secret };
      const [one, two] = await Promise.all([startTracker(shared), startTracker(shared)]);
      const { alice, bob } = await meet(one!.url, two!.url);
      const received = nextEvent<SignalMessage>(bob, 'signal');
      const ack = await request<{ ok: true; ticket: string }>(alice, 'signal', {
        swarm: 's1:hd',
        to: 'bob',
        data: offer,
      });
      expect((await received).ticket).toBe(ack.ticket);
      expect(verifyMeetingTicket(secret, ack.ticket)).toMatchObject({ peers: ['alice', 'bob'] });
      // Bob, on the other process, renews the ticket Alice's process issued.
      const renewed = await request<{ ok: true; ticket: string }>(bob, 'ticket', {
        swarm: 's1:hd',
        peerId: 'alice',
        ticket: ack.ticket,
      });
      expect(renewed.ok).toBe(true);
      expect(verifyMeetingTicket(secret, renewed.ticket)).toMatchObject({
        swarm: 's1:hd',
        peers: ['alice', 'bob'],
      });
    });
  });
});
