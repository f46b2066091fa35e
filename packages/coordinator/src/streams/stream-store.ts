import type { StreamResponse } from '@streamrp2p/protocol';
import type { Selectable } from 'kysely';
import type { AppContext } from '../context.js';
import type { StreamsTable } from '../db/schema.js';
import { ApiError } from '../errors.js';

export type StreamRow = Selectable<StreamsTable>;

/** The stream, unless unknown or deleted (404 `STREAM_NOT_FOUND`). */
export async function findLiveStream(ctx: AppContext, streamId: string): Promise<StreamRow> {
  const stream = await ctx.db
    .selectFrom('streams')
    .selectAll()
    .where('id', '=', streamId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (stream === undefined) throw new ApiError('STREAM_NOT_FOUND', `no stream ${streamId}`);
  return stream;
}

/** Rendition ids the indexer found for a stream, sorted. */
export async function streamRenditions(ctx: AppContext, streamId: string): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('renditions')
    .select('rendition')
    .where('stream_id', '=', streamId)
    .orderBy('rendition')
    .execute();
  return rows.map((r) => r.rendition);
}

/** The public fields of a stream. */
export function toStreamResponse(stream: StreamRow, renditions: string[]): StreamResponse {
  return {
    streamId: stream.id,
    streamerId: stream.streamer_id,
    hlsUrl: stream.hls_url,
    title: stream.title,
    renditions,
    createdAt: stream.created_at.toISOString(),
  };
}

/** All streams the indexer should follow. */
export function streamsToFollow(ctx: AppContext): Promise<Array<{ id: string; hlsUrl: string }>> {
  return ctx.db
    .selectFrom('streams')
    .select(['id', 'hls_url as hlsUrl'])
    .where('deleted_at', 'is', null)
    .execute();
}
