/**
 * Issuing proof-of-useful-work challenges: for a segment the session recently uploaded (a
 * receipt credited it within the window), a random 16 KiB leaf to prove. At most
 * `maxPendingChallenges` are pending per session and a poll issues at most one.
 */
import { leafCountFor, type Challenge } from '@streamrp2p/protocol';
import type { Selectable } from 'kysely';
import type { AppContext } from '../context.js';
import type { ChallengesTable } from '../db/schema.js';
import { nowDate } from '../util/clock.js';
import { randomInt, uuid } from '../util/crypto.js';

/** Receipts considered when drawing a new challenge. */
const CANDIDATES = 20;

export function toChallenge(row: Selectable<ChallengesTable>): Challenge {
  return {
    challengeId: row.id,
    streamId: row.stream_id,
    rendition: row.rendition,
    sequence: row.sequence,
    leafIndex: row.leaf_index,
    expiresAt: row.expires_at.toISOString(),
  };
}

/** The session's pending challenges, after issuing one more when allowed and possible. */
export async function pendingChallenges(ctx: AppContext, sessionId: string): Promise<Challenge[]> {
  const now = nowDate(ctx.clock);
  return ctx.db.transaction().execute(async (trx) => {
    // Serializes concurrent polls of one session, so the pending limit holds. NO KEY UPDATE
    // (not FOR UPDATE) so foreign-key checks on the session (challenge inserts) do not block it.
    await trx
      .selectFrom('sessions')
      .select('id')
      .where('id', '=', sessionId)
      .forNoKeyUpdate()
      .execute();
    const pending = await trx
      .selectFrom('challenges')
      .selectAll()
      .where('session_id', '=', sessionId)
      .where('answered_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('issued_at')
      .execute();
    if (pending.length >= ctx.config.maxPendingChallenges) return pending.map(toChallenge);

    const since = new Date(now.getTime() - ctx.config.challengeWindowSeconds * 1000);
    const recent = await trx
      .selectFrom('receipts')
      .select(['stream_id', 'rendition', 'sequence', 'byte_length'])
      .where('uploader_session_id', '=', sessionId)
      .where('credited_at', '>=', since)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('challenges as c')
              .select('c.id')
              .where('c.session_id', '=', sessionId)
              .whereRef('c.stream_id', '=', 'receipts.stream_id')
              .whereRef('c.rendition', '=', 'receipts.rendition')
              .whereRef('c.sequence', '=', 'receipts.sequence'),
          ),
        ),
      )
      .orderBy('credited_at', 'desc')
      .limit(CANDIDATES)
      .execute();
    const pick = recent[randomInt(Math.max(1, recent.length))];
    if (pick === undefined) return pending.map(toChallenge);
    const issued = await trx
      .insertInto('challenges')
      .values({
        id: uuid(),
        session_id: sessionId,
        stream_id: pick.stream_id,
        rendition: pick.rendition,
        sequence: pick.sequence,
        leaf_index: randomInt(leafCountFor(pick.byte_length)),
        issued_at: now,
        expires_at: new Date(now.getTime() + ctx.config.challengeTtlSeconds * 1000),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return [...pending, issued].map(toChallenge);
  });
}
