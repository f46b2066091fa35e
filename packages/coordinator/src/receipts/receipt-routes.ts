/** `POST /api/receipts`: a receiver's receipts, signed once as a batch, verified and credited. */
import { Router } from 'express';
import type { AppContext } from '../context.js';
import { recordUsage } from '../metrics/usage.js';
import { authenticateSession } from '../sessions/session-auth.js';
import { parseReceiptsRequest } from './parse-receipt.js';
import { processReceipts } from './receipt-service.js';

export function receiptRoutes(ctx: AppContext): Router {
  const router = Router();

  router.post('/api/receipts', async (req, res) => {
    // The whole body, every receipt included, is parsed before any database work.
    const request = parseReceiptsRequest(req.body);
    const endAuth = ctx.metrics.receiptPhase.startTimer({ phase: 'auth' });
    const receiver = await authenticateSession(ctx, req, request.sessionId);
    endAuth();
    const outcomes = await processReceipts(ctx, receiver, request);
    // After the batch signature verified: a usage report rides on an authentic batch (which may
    // hold no receipt at all).
    if (request.usage !== undefined) {
      await recordUsage(ctx, receiver.stream_id, request.usage, ctx.clock());
    }
    res.json(outcomes);
  });

  return router;
}
