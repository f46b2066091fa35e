/** Who may read and write a stream's money: its owner (API key), and for some routes the admin. */
import type { Request } from 'express';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { authenticateStreamer, isAdmin } from '../http/auth.js';
import type { StreamRow } from '../streams/stream-store.js';

/**
 * The stream `streamId` if the bearer token is its owner's API key, or the admin key when
 * `admin` allows it: 401 for an unknown key, 403 for another streamer's, 404 `STREAM_NOT_FOUND`.
 * A deleted stream is found too: its revenue and receipts are still settled and reported.
 */
export async function accessStream(
  ctx: AppContext,
  req: Request,
  streamId: string,
  opts: { admin: boolean },
): Promise<StreamRow> {
  const asAdmin = opts.admin && isAdmin(ctx, req);
  const streamer = asAdmin ? undefined : await authenticateStreamer(ctx, req);
  const stream = await ctx.db
    .selectFrom('streams')
    .selectAll()
    .where('id', '=', streamId)
    .executeTakeFirst();
  if (stream === undefined) throw new ApiError('STREAM_NOT_FOUND', `no stream ${streamId}`);
  if (streamer !== undefined && stream.streamer_id !== streamer.id) {
    throw new ApiError('FORBIDDEN', 'only the stream owner may do this');
  }
  return stream;
}

/**
 * The streams a streamer's own report covers: `streamId` alone (which must be its own), else all
 * of the streamer's streams. The bearer token (API key or studio cookie) must be `streamerId`
 * itself: 401 for an unknown key, 403 `FORBIDDEN` naming `what` for another streamer's.
 */
export async function ownStreamIds(
  ctx: AppContext,
  req: Request,
  streamerId: string,
  streamId: string | undefined,
  what: string,
): Promise<string[]> {
  const streamer = await authenticateStreamer(ctx, req);
  if (streamer.id !== streamerId) {
    throw new ApiError('FORBIDDEN', `only the streamer itself may read its ${what}`);
  }
  if (streamId !== undefined)
    return [(await accessStream(ctx, req, streamId, { admin: false })).id];
  const streams = await ctx.db
    .selectFrom('streams')
    .select('id')
    .where('streamer_id', '=', streamerId)
    .execute();
  return streams.map((s) => s.id);
}
