/** `/api/sessions/:sessionId/challenges`: poll for challenges, answer one. */
import type { ChallengesResponse } from '@streamrp2p/protocol';
import {
  ChallengeAnswerRequest,
  ChallengePath,
  SessionPath,
} from '@streamrp2p/protocol/api-schemas';
import { Router } from 'express';
import type { AppContext } from '../context.js';
import * as validate from '../http/validate.js';
import { authenticateSession } from '../sessions/session-auth.js';
import { answerChallenge } from './answer-challenge.js';
import { pendingChallenges } from './issue-challenges.js';

const sessionPath = validate.path(SessionPath);
const challengePath = validate.path(ChallengePath);
const answerBody = validate.body(ChallengeAnswerRequest);

export function challengeRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/api/sessions/:sessionId/challenges', async (req, res) => {
    const session = await authenticateSession(ctx, req, sessionPath.parse(req.params).sessionId);
    const response: ChallengesResponse = { challenges: await pendingChallenges(ctx, session.id) };
    res.json(response);
  });

  router.post('/api/sessions/:sessionId/challenges/:challengeId', async (req, res) => {
    const session = await authenticateSession(ctx, req, sessionPath.parse(req.params).sessionId);
    const { challengeId } = challengePath.parse(req.params);
    const answer = answerBody.parse(req.body);
    res.json(await answerChallenge(ctx, session.id, challengeId, answer));
  });

  return router;
}
