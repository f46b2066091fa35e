/** `GET /api/streams/:streamId/roots`: the indexed Merkle roots of a range of segments. */
import type { SegmentRootsResponse } from '@streamrp2p/protocol';
import { Router } from 'express';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { pathId, queryFields } from '../http/validate.js';
import { findLiveStream } from '../streams/stream-store.js';

/** Most segments one request may ask for. */
export const MAX_ROOTS_RANGE = 500;
const MAX_SEQUENCE = 0xffffffff;

export function rootsRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/api/streams/:streamId/roots', async (req, res) => {
    const streamId = pathId(req.params, 'streamId');
    const query = queryFields(req.query).only('rendition', 'from', 'to');
    const rendition = query.id('rendition');
    const from = query.integer('from', { max: MAX_SEQUENCE });
    const to = query.integer('to', { max: MAX_SEQUENCE });
    if (to < from)
      throw new ApiError(
        'VALIDATION_ERROR',
        `query.to (${to}) must not be below query.from (${from})`,
      );
    if (to - from + 1 > MAX_ROOTS_RANGE) {
      throw new ApiError(
        'VALIDATION_ERROR',
        `at most ${MAX_ROOTS_RANGE} segments per request (from..to inclusive)`,
      );
    }
    await findLiveStream(ctx, streamId);
    const rows = await ctx.db
      .selectFrom('segment_roots')
      .select(['sequence', 'root', 'byte_length'])
      .where('stream_id', '=', streamId)
      .where('rendition', '=', rendition)
      .where('sequence', '>=', from)
      .where('sequence', '<=', to)
      .orderBy('sequence')
      .execute();
    // A root never changes once indexed: a complete range may be cached for long.
    const complete = rows.length === to - from + 1;
    res.set('Cache-Control', complete ? 'public, max-age=86400, immutable' : 'no-cache');
    const response: SegmentRootsResponse = {
      streamId,
      rendition,
      roots: rows.map((r) => ({ sequence: r.sequence, root: r.root, byteLength: r.byte_length })),
    };
    res.json(response);
  });

  return router;
}
