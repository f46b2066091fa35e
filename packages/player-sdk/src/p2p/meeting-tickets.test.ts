import { describe, expect, it } from 'vitest';
import { MAX_TICKETS_PER_BATCH, type ReceiptBody } from '@streamrp2p/protocol';
import { MeetingTickets, ticketIssuedAt } from './meeting-tickets.js';

/** A ticket in the protocol's wire form (the MAC part does not matter to the SDK). */
function ticket(iat: number, tag = 'x'): string {
  const body = Buffer.from(JSON.stringify({ v: 1, swarm: 's:r', peers: ['a', 'b'], iat }));
  return `${body.toString('base64url')}.${tag}`;
}

function receipt(uploaderPeerId: string, timestamp: number, rendition = 'r'): ReceiptBody {
  return {
    uploaderPeerId,
    streamId: 's',
    rendition,
    sequence: 1,
    root: '00'.repeat(32),
    byteLength: 1,
    timestamp,
  };
}

describe('MeetingTickets', () => {
  const now = 1_800_000_000_000;

  it('reads the issue time of a ticket', () => {
    expect(ticketIssuedAt(ticket(now))).toBe(now);
    expect(ticketIssuedAt('not a ticket')).toBeUndefined();
  });

  it('sends one ticket per uploader and swarm, none for an uploader it has no ticket for', () => {
    const tickets = new MeetingTickets();
    tickets.add('s:r', 'up1', ticket(now - 5000, '1'), now);
    tickets.add('s:r', 'up2', ticket(now - 5000, '2'), now);
    const chosen = tickets.forReceipts([
      receipt('up1', now),
      receipt('up1', now + 1),
      receipt('up2', now),
      receipt('up3', now),
      receipt('up1', now, 'other'),
    ]);
    expect(chosen).toEqual([ticket(now - 5000, '1'), ticket(now - 5000, '2')]);
  });

  it('picks the newest ticket issued before the earliest receipt, so a renewal never hides older receipts', () => {
    const tickets = new MeetingTickets();
    const first = ticket(now - 600_000, 'first');
    const renewed = ticket(now, 'renewed');
    tickets.add('s:r', 'up', first, now);
    tickets.add('s:r', 'up', renewed, now);
    expect(tickets.newest('s:r', 'up')).toBe(renewed);
    // The one covering the earliest receipt first, then the pair's newest.
    expect(tickets.forReceipts([receipt('up', now - 300_000), receipt('up', now)])).toEqual([
      first,
      renewed,
    ]);
    expect(tickets.forReceipts([receipt('up', now + 1000)])).toEqual([renewed]);
  });

  it('caps a batch at MAX_TICKETS_PER_BATCH and forgets tickets after 30 minutes', () => {
    const tickets = new MeetingTickets();
    const receipts: ReceiptBody[] = [];
    for (let i = 0; i < MAX_TICKETS_PER_BATCH + 5; i++) {
      tickets.add('s:r', `up${i}`, ticket(now, String(i)), now);
      receipts.push(receipt(`up${i}`, now));
    }
    expect(tickets.forReceipts(receipts)).toHaveLength(MAX_TICKETS_PER_BATCH);
    tickets.add('s:r', 'late', ticket(now + 31 * 60_000), now + 31 * 60_000);
    expect(tickets.forReceipts(receipts)).toEqual([]);
  });
});
