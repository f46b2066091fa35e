/**
 * Export and erasure of a viewer (issue 14, decision 45). The viewer calls them with a secret
 * that proves it (`viewer-owner.ts`); the admin key calls their twins for requests received by
 * other means (an email to the operator).
 */
import { ViewerPath } from '@streamrp2p/protocol/api-schemas';
import { Router, type Request, type Response } from 'express';
import createDebug from 'debug';
import type { AppContext } from '../context.js';
import { requireAdmin } from '../http/auth.js';
import * as validate from '../http/validate.js';
import { nowDate } from '../util/clock.js';
import { erasedAt, eraseViewer } from './erase-viewer.js';
import { writeExport } from './export-viewer.js';
import { loadSubject } from './subject.js';
import { authenticateViewerOwner } from './viewer-owner.js';

const log = createDebug('streamrp2p:coordinator:privacy');

const viewerPath = validate.path(ViewerPath);

export function privacyRoutes(ctx: AppContext): Router {
  const router = Router();

  async function sendExport(res: Response, viewerId: string): Promise<void> {
    const subject = await loadSubject(ctx.db, viewerId);
    res.status(200);
    res.set('Content-Type', 'application/json; charset=utf-8');
    res.set('Cache-Control', 'no-store');
    res.set('Content-Disposition', `attachment; filename="viewer-export.json"`);
    try {
      await writeExport(ctx.db, subject, res, nowDate(ctx.clock));
      res.end();
    } catch (error) {
      // The status is sent: a cut body (invalid JSON) is the only way left to tell the client.
      log('export failed mid-stream: %O', error);
      res.destroy(error as Error);
    }
  }

  async function erase(req: Request, res: Response, requestedBy: 'viewer' | 'admin') {
    const { viewerId } = viewerPath.parse(req.params);
    if (requestedBy === 'admin') requireAdmin(ctx, req);
    else {
      // Erasure deletes the secret that proves the viewer: a repeated request answers from the
      // record instead (telling only that this id was erased).
      const erased = await erasedAt(ctx.db, viewerId);
      const known = await ctx.db
        .selectFrom('viewers')
        .select('viewer_id')
        .where('viewer_id', '=', viewerId)
        .executeTakeFirst();
      if (erased !== undefined && known === undefined) {
        res.set('Cache-Control', 'no-store');
        res.json({ status: 'already_erased', rows: 0, erasedAt: erased.toISOString() });
        return;
      }
      await authenticateViewerOwner(ctx, req, viewerId);
    }
    const result = await eraseViewer(ctx.db, viewerId, requestedBy, nowDate(ctx.clock));
    ctx.chat.viewerErased(viewerId);
    res.set('Cache-Control', 'no-store');
    res.json(result);
  }

  router.get('/api/viewers/:viewerId/export', async (req, res) => {
    const { viewerId } = viewerPath.parse(req.params);
    await authenticateViewerOwner(ctx, req, viewerId);
    await sendExport(res, viewerId);
  });

  router.get('/api/admin/viewers/:viewerId/export', async (req, res) => {
    const { viewerId } = viewerPath.parse(req.params);
    requireAdmin(ctx, req);
    await sendExport(res, viewerId);
  });

  router.post('/api/viewers/:viewerId/erasure', (req, res) => erase(req, res, 'viewer'));
  router.post('/api/admin/viewers/:viewerId/erasure', (req, res) => erase(req, res, 'admin'));

  return router;
}
