/**
 * Meeting tickets: the tracker's evidence that two peers of a swarm really exchanged signalling
 * through it. The coordinator accepts a receipt only when its batch carries a ticket naming the
 * receiver's and the uploader's peer ids in the receipt's swarm (decision 22 in
 * `docs/decisions.md`). Tracker and coordinator share only this format and the tracker secret.
 *
 * Wire form, like a tracker token: `base64url(JSON(payload)) + "." + base64url(HMAC-SHA256(
 * secret, MEETING_TICKET_TAG + "." + base64url(JSON(payload))))`. The tag keeps a ticket from
 * ever verifying as a tracker token and the other way round. Clients treat tickets as opaque
 * strings: they keep the newest ticket per remote peer and send it with the receipts it covers.
 */

/** Domain separation of the HMAC input. */
export const MEETING_TICKET_TAG = 'streamrp2p/meeting-ticket/v1';

/** What a meeting ticket asserts. */
export interface MeetingTicketPayload {
  /** Format version. */
  v: 1;
  /** The swarm key (`streamId:rendition`) both peers were members of. */
  swarm: string;
  /** The two peer ids, sorted ascending, so either peer's copy of the ticket is the same. */
  peers: [string, string];
  /** When the tracker relayed their signalling, Unix milliseconds. */
  iat: number;
}

/** Most tickets one receipt batch may carry (one per uploader peer it credits). */
export const MAX_TICKETS_PER_BATCH = 64;

/** Longest ticket string accepted. */
export const MAX_TICKET_LENGTH = 1024;

/** The two peer ids in ticket order. */
export function ticketPeers(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a];
}

/** The HMAC input for a ticket body (the first part of the wire form). */
export function meetingTicketMacInput(body: string): string {
  return `${MEETING_TICKET_TAG}.${body}`;
}
