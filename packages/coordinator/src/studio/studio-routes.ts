/**
 * The studio's own reads (decision 35): a streamer's streams, a stream's indexing progress, and
 * its live figures pushed as server-sent events every {@link LIVE_PUSH_MS} (or read once with
 * `?format=json`). Owner only, by API key or session cookie.
 */
import type { IndexingResponse, StreamsResponse } from '@streamrp2p/protocol/api-schemas';
import { LiveQuery, StreamPath, StreamerPath } from '@streamrp2p/protocol/api-schemas';
import { Router } from 'express';
import { sql } from 'kysely';
import type { AppContext } from '../context.js';
import { accessStream } from '../economics/stream-access.js';
import { ApiError } from '../errors.js';
import { authenticateStreamer } from '../http/auth.js';
import * as validate from '../http/validate.js';
import { streamRenditions, toStreamResponse } from '../streams/stream-store.js';
import { registerLiveGauges } from './live-gauges.js';
import { liveSnapshot } from './live-stats.js';

/** How often the live view is pushed. */
export const LIVE_PUSH_MS = 3000;

const streamerPath = validate.path(StreamerPath);
const streamPath = validate.path(StreamPath);
const liveQuery = validate.query(LiveQuery);

export function studioRoutes(ctx: AppContext): Router {
  const router = Router();
  registerLiveGauges(ctx);

  router.get('/api/streamers/:streamerId/streams', async (req, res) => {
    const { streamerId } = streamerPath.parse(req.params);
    const streamer = await authenticateStreamer(ctx, req);
    if (streamer.id !== streamerId) {
      throw new ApiError('FORBIDDEN', 'only the streamer may list its streams');
    }
    const rows = await ctx.db
      .selectFrom('streams')
      .selectAll()
      .where('streamer_id', '=', streamerId)
      .where('deleted_at', 'is', null)
      .orderBy('created_at', 'desc')
      .execute();
    const streams = await Promise.all(
      rows.map(async (row) => toStreamResponse(row, await streamRenditions(ctx, row.id))),
    );
    const response: StreamsResponse = { streams };
    res.json(response);
  });

  router.get('/api/streams/:streamId/indexing', async (req, res) => {
    const { streamId } = streamPath.parse(req.params);
    await accessStream(ctx, req, streamId, { admin: false });
    const { rows } = await sql<{
      rendition: string;
      segments: number;
      last_sequence: number | null;
      last_indexed_at: Date | null;
    }>`
      select r.rendition, count(s.sequence)::int as segments, max(s.sequence) as last_sequence,
        max(s.indexed_at) as last_indexed_at
      from renditions r
      left join segment_roots s on s.stream_id = r.stream_id and s.rendition = r.rendition
      where r.stream_id = ${streamId}
      group by r.rendition order by r.rendition`.execute(ctx.db);
    const status = ctx.following.status(streamId);
    const renditions = rows.map((r) => ({
      rendition: r.rendition,
      segments: Number(r.segments),
      lastSequence: r.last_sequence === null ? null : Number(r.last_sequence),
      lastIndexedAt: r.last_indexed_at === null ? null : new Date(r.last_indexed_at).toISOString(),
    }));
    const response: IndexingResponse = {
      streamId,
      following: status.following,
      renditions,
      segmentsIndexed: renditions.reduce((sum, r) => sum + r.segments, 0),
      lastError:
        status.lastError === undefined
          ? null
          : { message: status.lastError.message, at: status.lastError.at.toISOString() },
    };
    res.set('Cache-Control', 'no-store').json(response);
  });

  router.get('/api/streams/:streamId/live', async (req, res) => {
    const { streamId } = streamPath.parse(req.params);
    const { format } = liveQuery.parse(req.query);
    await accessStream(ctx, req, streamId, { admin: false });
    if (format === 'json') {
      res.set('Cache-Control', 'no-store').json(await liveSnapshot(ctx, streamId));
      return;
    }
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      // Proxies (nginx) must not buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    const push = async () => {
      try {
        const snapshot = await liveSnapshot(ctx, streamId);
        if (!closed) res.write(`event: live\ndata: ${JSON.stringify(snapshot)}\n\n`);
      } catch (error) {
        // The database may be down for a moment: say so, and try again on the next tick.
        const message = error instanceof Error ? error.message : String(error);
        if (!closed) res.write(`event: unavailable\ndata: ${JSON.stringify({ message })}\n\n`);
      }
      if (!closed) timer = setTimeout(() => void push(), LIVE_PUSH_MS);
    };
    res.on('close', () => {
      closed = true;
      clearTimeout(timer);
    });
    res.write(`retry: ${LIVE_PUSH_MS}\n\n`);
    await push();
  });

  return router;
}
