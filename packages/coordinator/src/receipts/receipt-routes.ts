/** `POST /api/receipts`: a receiver's signed receipts, verified and credited in one batch. */
import { Router } from 'express';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { bodyFields } from '../http/validate.js';
import { authenticateSession } from '../sessions/session-auth.js';
import { MAX_RECEIPTS_PER_BATCH, processReceipts } from './receipt-service.js';

export function receiptRoutes(ctx: AppContext): Router {
  const router = Router();

  router.post('/api/receipts', async (req, res) => {
    const body = bodyFields(req.body).only('sessionId', 'receipts');
    const sessionId = body.id('sessionId');
    const receipts = body.array('receipts');
    if (receipts.length > MAX_RECEIPTS_PER_BATCH) {
      throw new ApiError(
        'BATCH_TOO_LARGE',
        `at most ${MAX_RECEIPTS_PER_BATCH} receipts per request, got ${receipts.length}`,
      );
    }
    const endAuth = ctx.metrics.receiptPhase.startTimer({ phase: 'auth' });
    const receiver = await authenticateSession(ctx, req, sessionId);
    endAuth();
    res.json(await processReceipts(ctx, receiver, receipts));
  });

  return router;
}
