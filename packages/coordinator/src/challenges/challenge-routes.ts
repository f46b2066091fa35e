/** `/api/sessions/:sessionId/challenges`: poll for challenges, answer one. */
import type { ChallengesResponse } from '@streamrp2p/protocol';
import { Router } from 'express';
import type { AppContext } from '../context.js';
import { bodyFields, pathId } from '../http/validate.js';
import { authenticateSession } from '../sessions/session-auth.js';
import { answerChallenge } from './answer-challenge.js';
import { pendingChallenges } from './issue-challenges.js';
import { ApiError } from '../errors.js';

/** More siblings than a 2^32-leaf tree has cannot be a proof. */
const MAX_SIBLINGS = 32;
const HEX_32 = /^[0-9a-f]{64}$/;

export function challengeRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/api/sessions/:sessionId/challenges', async (req, res) => {
    const session = await authenticateSession(ctx, req, pathId(req.params, 'sessionId'));
    const response: ChallengesResponse = { challenges: await pendingChallenges(ctx, session.id) };
    res.json(response);
  });

  router.post('/api/sessions/:sessionId/challenges/:challengeId', async (req, res) => {
    const session = await authenticateSession(ctx, req, pathId(req.params, 'sessionId'));
    const challengeId = pathId(req.params, 'challengeId');
    const body = bodyFields(req.body).only('leafHash', 'siblings');
    const leafHash = body.hash('leafHash');
    const siblings = body.array('siblings', { max: MAX_SIBLINGS });
    if (!siblings.every((s): s is string => typeof s === 'string' && HEX_32.test(s))) {
      throw new ApiError(
        'VALIDATION_ERROR',
        'body.siblings must be 64-character lowercase hex hashes',
      );
    }
    res.json(await answerChallenge(ctx, session.id, challengeId, { leafHash, siblings }));
  });

  return router;
}
