/** `/healthz`, `/metrics`, `/api/openapi.json`. */
import { Router } from 'express';
import type { AppContext } from '../context.js';
import { pingDatabase } from '../db/connect.js';
import { ApiError } from '../errors.js';
import { OPENAPI_DOCUMENT } from './openapi.js';

export function systemRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/healthz', async (_req, res) => {
    try {
      await pingDatabase(ctx.db);
    } catch {
      ctx.metrics.dbErrors.inc();
      throw new ApiError('UNAVAILABLE', 'the database is unreachable');
    }
    res.json({ status: 'ok' });
  });

  router.get('/metrics', async (_req, res) => {
    res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });

  router.get('/api/openapi.json', (_req, res) => {
    res.json(OPENAPI_DOCUMENT);
  });

  return router;
}
