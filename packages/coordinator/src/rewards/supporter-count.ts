/**
 * How many viewers support a stream: distinct viewers credited as uploaders in its receipts over
 * the last days (`receipts_stream_credited_idx`), leaving out sessions whose credit a hold froze
 * (held or voided; a released hold counts again), like the points' supporter status.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/** The window of {@link countSupporters}, days. */
export const SUPPORTER_WINDOW_DAYS = 30;

/** Distinct viewers credited for serving `streamId` at or after `since`, frozen credit excluded. */
export async function countSupporters(
  db: Kysely<DB>,
  streamId: string,
  since: Date,
): Promise<number> {
  const { rows } = await sql<{ supporters: number | string }>`
    select count(distinct r.uploader_viewer_id) as supporters
    from receipts r
    where r.stream_id = ${streamId}
      and r.credited_at >= ${since}
      and not exists (
        select 1 from trust_hold_sessions hs join trust_holds h on h.id = hs.hold_id
        where hs.session_id = r.uploader_session_id and h.status <> 'released'
      )`.execute(db);
  return Number(rows[0]?.supporters ?? 0);
}

/**
 * {@link countSupporters} remembered per stream for `ttlMs`: every player of a stream asks once
 * when it shows its call to action, and the figure moves slowly. Any other slow-moving public
 * read (the leaderboards) remembers its answers here too, by key.
 */
export class SupporterCountCache<T = number> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();

  constructor(
    private readonly ttlMs: number,
    /** Entries kept at most; the oldest go first. */
    private readonly maxEntries = 10_000,
  ) {}

  get(streamId: string, now: number, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(streamId);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = load();
    this.entries.delete(streamId);
    this.entries.set(streamId, { at: now, value });
    // A failed read is not remembered.
    value.catch(() => this.entries.get(streamId)?.value === value && this.entries.delete(streamId));
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    return value;
  }
}
