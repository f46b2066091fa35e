/**
 * Checking a challenge answer: the leaf hash and siblings must rebuild the indexed root, before
 * the expiry. The answer is recorded once (a second answer is 409) and counted in the session's
 * pass/fail reputation in the same transaction.
 */
import { hexToBytes, verifyMerkleProof, type ChallengeAnswerResponse } from '@streamrp2p/protocol';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { nowDate } from '../util/clock.js';

export interface ChallengeAnswer {
  leafHash: string;
  siblings: string[];
}

export async function answerChallenge(
  ctx: AppContext,
  sessionId: string,
  challengeId: string,
  answer: ChallengeAnswer,
): Promise<ChallengeAnswerResponse> {
  const challenge = await ctx.db
    .selectFrom('challenges as c')
    .leftJoin('segment_roots as r', (join) =>
      join
        .onRef('r.stream_id', '=', 'c.stream_id')
        .onRef('r.rendition', '=', 'c.rendition')
        .onRef('r.sequence', '=', 'c.sequence'),
    )
    .select(['c.id', 'c.leaf_index', 'c.expires_at', 'c.answered_at', 'r.root', 'r.byte_length'])
    .where('c.id', '=', challengeId)
    .where('c.session_id', '=', sessionId)
    .executeTakeFirst();
  if (challenge === undefined)
    throw new ApiError('CHALLENGE_NOT_FOUND', `no challenge ${challengeId} for this session`);
  if (challenge.answered_at !== null)
    throw new ApiError('ALREADY_ANSWERED', 'this challenge was already answered');

  const now = nowDate(ctx.clock);
  let reason: 'EXPIRED' | 'WRONG_PROOF' | undefined;
  if (now.getTime() > challenge.expires_at.getTime()) reason = 'EXPIRED';
  else if (challenge.root === null || challenge.byte_length === null) reason = 'WRONG_PROOF';
  else {
    const passed = await verifyMerkleProof({
      leafIndex: challenge.leaf_index,
      byteLength: challenge.byte_length,
      leafHash: hexToBytes(answer.leafHash),
      siblings: answer.siblings.map((s) => hexToBytes(s)),
      root: hexToBytes(challenge.root),
    });
    if (!passed) reason = 'WRONG_PROOF';
  }
  const passed = reason === undefined;

  await ctx.db.transaction().execute(async (trx) => {
    const recorded = await trx
      .updateTable('challenges')
      .set({ answered_at: now, passed, reason: reason ?? null })
      .where('id', '=', challengeId)
      .where('answered_at', 'is', null)
      .executeTakeFirst();
    // Another answer won the race: only the first one counts.
    if (recorded.numUpdatedRows === 0n)
      throw new ApiError('ALREADY_ANSWERED', 'this challenge was already answered');
    await trx
      .updateTable('sessions')
      .set((eb) =>
        passed
          ? { challenges_passed: eb('challenges_passed', '+', 1) }
          : { challenges_failed: eb('challenges_failed', '+', 1) },
      )
      .where('id', '=', sessionId)
      .execute();
  });
  ctx.metrics.challenges.inc({ result: reason ?? 'passed' });
  return reason === undefined ? { challengeId, passed } : { challengeId, passed, reason };
}
