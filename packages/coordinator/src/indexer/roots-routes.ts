/** `GET /api/streams/:streamId/roots`: the indexed Merkle roots of a range of segments. */
import type { SegmentRootsResponse } from '@streamrp2p/protocol';
import { RootsQuery, StreamPath } from '@streamrp2p/protocol/api-schemas';
import { Router } from 'express';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import * as validate from '../http/validate.js';
import { findLiveStream } from '../streams/stream-store.js';

/** Most segments one request may ask for. */
export const MAX_ROOTS_RANGE = 500;
const streamPath = validate.path(StreamPath);
const rootsQuery = validate.query(RootsQuery);

export function rootsRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/api/streams/:streamId/roots', async (req, res) => {
    const { streamId } = streamPath.parse(req.params);
    const { rendition, from, to } = rootsQuery.parse(req.query);
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
