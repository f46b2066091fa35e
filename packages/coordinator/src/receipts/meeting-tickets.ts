/**
 * Meeting tickets on the coordinator side: the tracker's HMAC evidence that a receiver and an
 * uploader really signalled through it (format in the protocol's `meeting-ticket.ts`, decision
 * 22). A receipt is credited only when its batch carries a valid ticket naming the receiver's
 * and the uploader's peer ids in the receipt's swarm, issued no later than the receipt (minus
 * the allowed skew) and not older than `meetingTicketMaxAgeSeconds`.
 */
import { swarmKey, ticketPeers } from '@streamrp2p/protocol';
import { openMeetingTicket } from '@streamrp2p/protocol/node';
import { reject, type Rejected } from './receipt-codes.js';

const pairKey = (swarm: string, peers: readonly [string, string]) =>
  `${swarm}|${peers[0]}|${peers[1]}`;

/** What a receipt needs to be matched against the batch's tickets. */
export interface TicketedReceipt {
  uploaderPeerId: string;
  streamId: string;
  rendition: string;
  timestamp: number;
}

/** The tickets of one batch, verified once, answering per receipt. */
export class BatchTickets {
  /** Issue times of the valid tickets per swarm and pair. */
  readonly #valid = new Map<string, number[]>();
  /** Pairs named by tickets that do not verify. */
  readonly #forged = new Set<string>();

  /**
   * @param receiverPeerId the posting session's peer id: tickets naming other pairs are ignored
   * @param options `now` (coordinator clock), `maxAgeMs`, `maxSkewMs`
   */
  constructor(
    secret: string,
    tickets: readonly string[],
    private readonly receiverPeerId: string,
    private readonly options: { now: number; maxAgeMs: number; maxSkewMs: number },
  ) {
    for (const ticket of tickets) {
      const verified = openMeetingTicket(secret, ticket);
      if (!verified.ok) {
        if (verified.claimed)
          this.#forged.add(pairKey(verified.claimed.swarm, verified.claimed.peers));
        continue;
      }
      const { swarm, peers, iat } = verified.payload;
      if (!peers.includes(receiverPeerId)) continue;
      const key = pairKey(swarm, peers);
      const times = this.#valid.get(key);
      if (times) times.push(iat);
      else this.#valid.set(key, [iat]);
    }
  }

  /** Undefined when a valid ticket covers the receipt, else why not. */
  check(receipt: TicketedReceipt): Rejected | undefined {
    const swarm = swarmKey(receipt);
    const key = pairKey(swarm, ticketPeers(this.receiverPeerId, receipt.uploaderPeerId));
    const times = this.#valid.get(key);
    if (times === undefined) {
      return this.#forged.has(key)
        ? reject('BAD_TICKET', 'the meeting ticket for this uploader does not verify')
        : reject('NO_TICKET', `no meeting ticket names this session and the uploader in ${swarm}`);
    }
    const { now, maxAgeMs, maxSkewMs } = this.options;
    const fresh = times.filter((iat) => now - iat <= maxAgeMs && iat <= now + maxSkewMs);
    if (fresh.length === 0)
      return reject('TICKET_EXPIRED', 'the meeting ticket for this uploader is too old');
    if (!fresh.some((iat) => receipt.timestamp >= iat - maxSkewMs)) {
      return reject(
        'TICKET_EXPIRED',
        'the meeting ticket was issued after the receipt: it does not show the peers had met',
      );
    }
    return undefined;
  }
}
