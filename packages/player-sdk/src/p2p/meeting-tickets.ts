import { MAX_TICKETS_PER_BATCH, swarmKey, type ReceiptBody } from '@streamrp2p/protocol';

/** Tickets kept per remote peer: the newest few, so receipts older than a renewal stay covered. */
const KEPT_PER_PEER = 3;

/** A ticket is dropped this long after it was issued (the coordinator's default max age). */
const DROP_AFTER_MS = 30 * 60_000;

/**
 * How much earlier than a receipt a ticket may be issued and still be chosen for it: the
 * coordinator allows a ticket issued up to its clock skew (60 s by default) after a receipt.
 */
const CHOOSE_SKEW_MS = 30_000;

interface Held {
  ticket: string;
  /** The tracker's issue time, read from the ticket (clients otherwise treat it as opaque). */
  iat: number;
}

/** The issue time of a ticket in the protocol's format, or undefined when it cannot be read. */
export function ticketIssuedAt(ticket: string): number | undefined {
  const body = ticket.split('.')[0];
  if (!body) return undefined;
  try {
    const base64 = body.replace(/-/g, '+').replace(/_/g, '/');
    const payload: unknown = JSON.parse(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4)));
    const iat = (payload as { iat?: unknown }).iat;
    return typeof iat === 'number' && Number.isFinite(iat) ? iat : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The meeting tickets the tracker gave us, per swarm and remote peer (decision 22): the
 * coordinator credits a receipt only when its batch carries a ticket naming us and the
 * uploader in the receipt's swarm, issued before the receipt.
 *
 * @example
 * const tickets = new MeetingTickets();
 * tracker.on('ticket', ({ swarm, peerId, ticket }) => tickets.add(swarm, peerId, ticket));
 * const forBatch = tickets.forReceipts(batch); // sent as `tickets` with the batch
 */
export class MeetingTickets {
  readonly #byPair = new Map<string, Held[]>();

  /** Keeps a ticket for `peerId` in `swarm` (newest last). */
  add(swarm: string, peerId: string, ticket: string, now = Date.now()): void {
    const iat = ticketIssuedAt(ticket) ?? now;
    const key = `${swarm}|${peerId}`;
    const held = (this.#byPair.get(key) ?? []).filter((h) => h.ticket !== ticket);
    held.push({ ticket, iat });
    held.sort((a, b) => a.iat - b.iat);
    this.#byPair.set(key, held.slice(-KEPT_PER_PEER));
    this.#prune(now);
  }

  /** The newest ticket held for `peerId` in `swarm` (what a renewal presents). */
  newest(swarm: string, peerId: string): string | undefined {
    return this.#byPair.get(`${swarm}|${peerId}`)?.at(-1)?.ticket;
  }

  /**
   * The tickets covering `receipts` (at most `MAX_TICKETS_PER_BATCH`): per uploader and swarm,
   * the newest issued before that uploader's earliest receipt in the batch, which covers them
   * all; then, while room is left, each pair's newest too, in case the first is too old by now
   * (receipts held back through a coordinator outage).
   */
  forReceipts(receipts: readonly ReceiptBody[]): string[] {
    const earliest = new Map<string, number>();
    for (const r of receipts) {
      const key = `${swarmKey(r)}|${r.uploaderPeerId}`;
      earliest.set(key, Math.min(earliest.get(key) ?? Infinity, r.timestamp));
    }
    const chosen = new Set<string>();
    const newest: string[] = [];
    for (const [key, first] of earliest) {
      const held = this.#byPair.get(key);
      if (!held || held.length === 0) continue;
      if (chosen.size === MAX_TICKETS_PER_BATCH) break;
      const usable = held.filter((h) => h.iat - CHOOSE_SKEW_MS <= first);
      chosen.add((usable.at(-1) ?? held[0]!).ticket);
      newest.push(held.at(-1)!.ticket);
    }
    for (const ticket of newest) {
      if (chosen.size === MAX_TICKETS_PER_BATCH) break;
      chosen.add(ticket);
    }
    return [...chosen];
  }

  clear(): void {
    this.#byPair.clear();
  }

  #prune(now: number): void {
    for (const [key, held] of this.#byPair) {
      const kept = held.filter((h) => now - h.iat < DROP_AFTER_MS);
      if (kept.length === 0) this.#byPair.delete(key);
      else if (kept.length !== held.length) this.#byPair.set(key, kept);
    }
  }
}
