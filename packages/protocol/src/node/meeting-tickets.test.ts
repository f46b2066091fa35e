import { describe, expect, it } from 'vitest';
import { MEETING_TICKET_TAG } from '@streamrp2p/protocol';
import { createHmac } from 'node:crypto';
import {
  issueMeetingTicket,
  openMeetingTicket,
  signMeetingTicket,
  verifyMeetingTicket,
} from './meeting-tickets.js';

const secret = 'meeting-ticket-secret-0123';

describe('meeting tickets', () => {
  it('names both peers sorted, so either side holds the same ticket', () => {
    const a = issueMeetingTicket(secret, 's:r', 'zed', 'amy', 1000);
    const b = issueMeetingTicket(secret, 's:r', 'amy', 'zed', 1000);
    expect(a).toBe(b);
    expect(verifyMeetingTicket(secret, a)).toEqual({
      v: 1,
      swarm: 's:r',
      peers: ['amy', 'zed'],
      iat: 1000,
    });
  });

  it('refuses another secret, an altered payload, malformed text, and a tracker token', () => {
    const ticket = issueMeetingTicket(secret, 's:r', 'amy', 'zed', 1000);
    expect(verifyMeetingTicket('another-secret-0123456', ticket)).toBeUndefined();
    const [, mac] = ticket.split('.');
    const other = Buffer.from(
      JSON.stringify({ v: 1, swarm: 's:r', peers: ['amy', 'eve'], iat: 1000 }),
    ).toString('base64url');
    expect(verifyMeetingTicket(secret, `${other}.${mac}`)).toBeUndefined();
    for (const bad of ['', '.', 'abc', 'a.b.c', `${ticket}x`]) {
      expect(verifyMeetingTicket(secret, bad)).toBeUndefined();
    }
    // The tag keeps the two HMAC formats apart: a token never verifies as a ticket.
    // A tracker token (coordinator-api.ts: HMAC over the bare payload part) with the same secret.
    const body = Buffer.from(JSON.stringify({ peerId: 'amy', exp: 2_000_000_000 })).toString(
      'base64url',
    );
    const token = `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
    expect(verifyMeetingTicket(secret, token)).toBeUndefined();
    expect(MEETING_TICKET_TAG).toMatch(/meeting-ticket/);
  });

  it('tells a forged ticket that decodes from one that does not', () => {
    const payload = { v: 1, swarm: 's:r', peers: ['amy', 'zed'], iat: 5 } as const;
    const forged = signMeetingTicket('not-the-secret-0123456789', {
      ...payload,
      peers: ['amy', 'zed'],
    });
    expect(openMeetingTicket(secret, forged)).toEqual({ ok: false, claimed: payload });
    expect(openMeetingTicket(secret, 'garbage.text')).toEqual({ ok: false });
    const genuine = signMeetingTicket(secret, { ...payload, peers: ['amy', 'zed'] });
    expect(openMeetingTicket(secret, genuine)).toEqual({ ok: true, payload });
  });

  it('refuses a payload of the wrong shape even with a valid MAC', () => {
    const wrong = signMeetingTicket(secret, {
      v: 2,
      swarm: 's:r',
      peers: ['a', 'b'],
      iat: 1,
    } as never);
    expect(verifyMeetingTicket(secret, wrong)).toBeUndefined();
  });
});
