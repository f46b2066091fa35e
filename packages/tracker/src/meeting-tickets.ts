import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  isValidId,
  meetingTicketMacInput,
  ticketPeers,
  type MeetingTicketPayload,
} from '@streamrp2p/protocol';

function mac(secret: string, body: string): string {
  return createHmac('sha256', secret)
    .update(meetingTicketMacInput(body), 'ascii')
    .digest('base64url');
}

/**
 * Signs a meeting ticket (format in the protocol's `meeting-ticket.ts`): the tracker's evidence,
 * for the coordinator, that two peers signalled each other through it in `swarm`.
 *
 * @example
 * const ticket = signMeetingTicket(secret, { v: 1, swarm: 'demo:720p', peers: ticketPeers(a, b), iat: Date.now() });
 */
export function signMeetingTicket(secret: string, payload: MeetingTicketPayload): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${mac(secret, body)}`;
}

/** A ticket for peers `a` and `b` in `swarm`, issued now. */
export function issueMeetingTicket(
  secret: string,
  swarm: string,
  a: string,
  b: string,
  now: number = Date.now(),
): string {
  return signMeetingTicket(secret, { v: 1, swarm, peers: ticketPeers(a, b), iat: now });
}

/**
 * Verifies a ticket this tracker (or another process with the same secret) issued: the MAC,
 * compared in constant time over the canonical encoding, and the payload's shape.
 */
export function verifyMeetingTicket(
  secret: string,
  ticket: string,
): MeetingTicketPayload | undefined {
  const parts = ticket.split('.');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') return undefined;
  const [body, signature] = parts as [string, string];
  const expected = Buffer.from(mac(secret, body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { v, swarm, peers, iat } = value as Record<string, unknown>;
  if (v !== 1 || typeof swarm !== 'string' || typeof iat !== 'number') return undefined;
  if (!Array.isArray(peers) || peers.length !== 2 || !peers.every(isValidId)) return undefined;
  return { v, swarm, peers: [peers[0] as string, peers[1] as string], iat };
}
