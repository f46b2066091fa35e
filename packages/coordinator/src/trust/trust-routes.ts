/**
 * `GET /api/viewers/:viewerId/credit` (no auth, like the points balance) and the review
 * endpoints `/api/admin/holds` (Bearer `ADMIN_API_KEY`).
 */
import type { HoldsResponse, ViewerCreditResponse } from '@streamrp2p/protocol';
import { HoldPath, HoldsQuery, ViewerPath } from '@streamrp2p/protocol/api-schemas';
import { Router } from 'express';
import type { AppContext } from '../context.js';
import { requireAdmin } from '../http/auth.js';
import * as validate from '../http/validate.js';
import { viewerCreditBreakdown } from '../receipts/credit-reads.js';
import { nowDate } from '../util/clock.js';
import { decideHold, listHolds, type HoldDecision } from './holds.js';
import { viewerReputation } from './viewer-reputation.js';

const viewerPath = validate.path(ViewerPath);
const holdPath = validate.path(HoldPath);
const holdsQuery = validate.query(HoldsQuery);

export function trustRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/api/viewers/:viewerId/credit', async (req, res) => {
    const { viewerId } = viewerPath.parse(req.params);
    const [credit, { reputation, parts }] = await Promise.all([
      viewerCreditBreakdown(ctx.db, viewerId),
      viewerReputation(ctx.db, viewerId, nowDate(ctx.clock)),
    ]);
    const frozen = credit.held + credit.voided;
    const response: ViewerCreditResponse = {
      viewerId,
      creditedBytes: credit.credited,
      payableBytes:
        reputation >= ctx.config.payableReputation ? Math.max(0, credit.credited - frozen) : 0,
      frozenBytes: frozen,
      pendingReviewBytes: credit.held,
      reputation,
      reputationParts: parts,
    };
    res.json(response);
  });

  router.get('/api/admin/holds', async (req, res) => {
    requireAdmin(ctx, req);
    const { status } = holdsQuery.parse(req.query);
    const response: HoldsResponse = { holds: await listHolds(ctx.db, status) };
    res.json(response);
  });

  const decide = (decision: HoldDecision) =>
    router.post(
      `/api/admin/holds/:holdId/${decision === 'released' ? 'release' : 'void'}`,
      async (req, res) => {
        requireAdmin(ctx, req);
        const { holdId } = holdPath.parse(req.params);
        res.json(await decideHold(ctx.db, holdId, decision, nowDate(ctx.clock)));
      },
    );
  decide('released');
  decide('voided');

  return router;
}
