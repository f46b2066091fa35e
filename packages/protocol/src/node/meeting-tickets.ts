/**
 * Signing and opening meeting tickets (format in `../meeting-ticket.ts`, decision 22), for the
 * two Node processes that share the tracker secret: the tracker issues tickets, the coordinator
 * checks them against receipts. Node-only (node:crypto), hence its own subpath
 * `@streamrp2p/protocol/node`, which browser code never imports.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  ticketPeers,
  meetingTicketMacInput,
  type MeetingTicketPayload,
} from '../meeting-ticket.js';
import { isValidId } from '../tracker-events.js';

function mac(secret: string, body: string): string {
  return createHmac('sha256', secret)
    .update(meetingTicketMacInput(body), 'ascii')
    .digest('base64url');
}

/**
 * Signs a meeting ticket. The tracker issues them; tests, benches and tools mint them with the
 * shared secret.
 *
 * @example
 * signMeetingTicket(secret, { v: 1, swarm: 'demo:720p', peers: ticketPeers(a, b), iat: Date.now() });
 */
export function signMeetingTicket(secret: string, payload: MeetingTicketPayload): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${mac(secret, body)}`;
}

/** A ticket for peers `a` and `b` (either order) in `swarm`, issued at `now`. */
export function issueMeetingTicket(
  secret: string,
  swarm: string,
  a: string,
  b: string,
  now: number = Date.now(),
): string {
  return signMeetingTicket(secret, { v: 1, swarm, peers: ticketPeers(a, b), iat: now });
}

function decodePayload(body: string): MeetingTicketPayload | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { v, swarm, peers, iat } = value as Record<string, unknown>;
  if (v !== 1 || typeof swarm !== 'string' || typeof iat !== 'number' || !Number.isFinite(iat))
    return undefined;
  if (!Array.isArray(peers) || peers.length !== 2 || !peers.every(isValidId)) return undefined;
  const [a, b] = peers as [string, string];
  if (a > b) return undefined;
  return { v, swarm, peers: [a, b], iat };
}

/**
 * Opens a ticket: the MAC (constant-time, over the canonical encoding) and the payload's shape.
 * `claimed` is the payload of a ticket whose MAC fails, when it decodes, so a receipt that leans
 * on a forged ticket can be told apart from one with none.
 */
export function openMeetingTicket(
  secret: string,
  ticket: string,
): { ok: true; payload: MeetingTicketPayload } | { ok: false; claimed?: MeetingTicketPayload } {
  const parts = ticket.split('.');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') return { ok: false };
  const [body, signature] = parts as [string, string];
  const payload = decodePayload(body);
  const expected = Buffer.from(mac(secret, body));
  const given = Buffer.from(signature);
  const valid = given.length === expected.length && timingSafeEqual(given, expected);
  if (!valid || payload === undefined)
    return payload ? { ok: false, claimed: payload } : { ok: false };
  return { ok: true, payload };
}

/** The payload of a ticket that verifies, else undefined. */
export function verifyMeetingTicket(
  secret: string,
  ticket: string,
): MeetingTicketPayload | undefined {
  const opened = openMeetingTicket(secret, ticket);
  return opened.ok ? opened.payload : undefined;
}
