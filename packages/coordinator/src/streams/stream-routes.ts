/** `/api/streamers` and `/api/streams`: accounts, stream registration, owner-only changes. */
import type { CreateStreamerResponse, StreamResponse } from '@streamrp2p/protocol';
import { Router, type Request } from 'express';
import createDebug from 'debug';
import {
  CreateStreamerRequest,
  CreateStreamRequest,
  StreamPath,
  UpdateStreamRequest,
} from '@streamrp2p/protocol/api-schemas';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { createStreamerRow } from '../accounts/create-streamer.js';
import { authenticateStreamer, optionalStreamer } from '../http/auth.js';
import * as validate from '../http/validate.js';
import { nowDate } from '../util/clock.js';
import { randomSecret, uuid } from '../util/crypto.js';
import { embedSnippet } from './embed-snippet.js';
import { OriginPolicy } from './origin-policy.js';
import {
  findLiveStream,
  streamRenditions,
  toStreamResponse,
  type StreamRow,
} from './stream-store.js';

const log = createDebug('streamrp2p:coordinator:streams');

const streamerBody = validate.body(CreateStreamerRequest);
const createBody = validate.body(CreateStreamRequest);
const updateBody = validate.body(UpdateStreamRequest);
const streamPath = validate.path(StreamPath);

export function streamRoutes(ctx: AppContext): Router {
  const router = Router();
  const policy = new OriginPolicy(ctx.config.originAllowList);

  const ownerView = async (stream: StreamRow): Promise<StreamResponse> => ({
    ...toStreamResponse(stream, await streamRenditions(ctx, stream.id)),
    embedSnippet: embedSnippet({
      hlsUrl: stream.hls_url,
      streamId: stream.id,
      trackerUrl: ctx.config.trackerPublicUrl,
      coordinatorUrl: ctx.publicUrl(),
      sdkUrl: ctx.config.publicSdkUrl,
    }),
  });

  /** `hlsUrl` if the origin policy lets the indexer fetch it, else 422 `URL_NOT_ALLOWED`. */
  const allowedUrl = async (hlsUrl: string): Promise<string> => {
    const problem = await policy.resolvedProblem(hlsUrl);
    if (problem === undefined) return hlsUrl;
    ctx.metrics.originRefusals.inc({ where: 'register' });
    throw new ApiError('URL_NOT_ALLOWED', `body.hlsUrl: ${problem}`);
  };

  /** The stream if the caller owns it: 401 without a valid key, 403 for another streamer. */
  const ownedStream = async (req: Request): Promise<StreamRow> => {
    const streamer = await authenticateStreamer(ctx, req);
    const stream = await findLiveStream(ctx, streamPath.parse(req.params).streamId);
    if (stream.streamer_id !== streamer.id)
      throw new ApiError('FORBIDDEN', 'only the stream owner may do this');
    return stream;
  };

  router.post('/api/streamers', async (req, res) => {
    const { name } = streamerBody.parse(req.body);
    const apiKey = randomSecret();
    const streamerId = await createStreamerRow(ctx, req, res, { name, apiKey }, (_trx, id) =>
      Promise.resolve(id),
    );
    const response: CreateStreamerResponse = { streamerId, name, apiKey };
    res.status(201).json(response);
  });

  router.post('/api/streams', async (req, res) => {
    const streamer = await authenticateStreamer(ctx, req);
    const body = createBody.parse(req.body);
    const hlsUrl = await allowedUrl(validate.httpUrl(body.hlsUrl, 'body.hlsUrl'));
    const title = body.title ?? '';
    const now = nowDate(ctx.clock);
    const stream: StreamRow = {
      id: uuid(),
      streamer_id: streamer.id,
      hls_url: hlsUrl,
      title,
      created_at: now,
      updated_at: now,
      deleted_at: null,
    };
    await ctx.db.insertInto('streams').values(stream).execute();
    log('stream %s registered by %s: %s', stream.id, streamer.id, hlsUrl);
    ctx.following.follow({ id: stream.id, hlsUrl });
    res.status(201).json(await ownerView(stream));
  });

  router.get('/api/streams/:streamId', async (req, res) => {
    const stream = await findLiveStream(ctx, streamPath.parse(req.params).streamId);
    const owner = await optionalStreamer(ctx, req);
    if (owner?.id === stream.streamer_id) {
      res.json(await ownerView(stream));
      return;
    }
    res.json(toStreamResponse(stream, await streamRenditions(ctx, stream.id)));
  });

  router.patch('/api/streams/:streamId', async (req, res) => {
    const stream = await ownedStream(req);
    const { title, ...body } = updateBody.parse(req.body);
    const hlsUrl =
      body.hlsUrl === undefined ? undefined : validate.httpUrl(body.hlsUrl, 'body.hlsUrl');
    if (hlsUrl !== undefined && hlsUrl !== stream.hls_url) await allowedUrl(hlsUrl);
    const urlChanged = hlsUrl !== undefined && hlsUrl !== stream.hls_url;
    // Roots of the old URL would not match the new one's segments: drop them with it.
    if (urlChanged) await ctx.following.unfollow(stream.id);
    const updated = await ctx.db.transaction().execute(async (trx) => {
      if (urlChanged) {
        await trx.deleteFrom('segment_roots').where('stream_id', '=', stream.id).execute();
        await trx.deleteFrom('renditions').where('stream_id', '=', stream.id).execute();
      }
      return trx
        .updateTable('streams')
        .set({
          hls_url: hlsUrl ?? stream.hls_url,
          title: title ?? stream.title,
          updated_at: nowDate(ctx.clock),
        })
        .where('id', '=', stream.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    });
    if (urlChanged) ctx.following.follow({ id: stream.id, hlsUrl: updated.hls_url });
    res.json(await ownerView(updated));
  });

  router.delete('/api/streams/:streamId', async (req, res) => {
    const stream = await ownedStream(req);
    await ctx.db
      .updateTable('streams')
      .set({ deleted_at: nowDate(ctx.clock) })
      .where('id', '=', stream.id)
      .execute();
    await ctx.following.unfollow(stream.id);
    log('stream %s deleted', stream.id);
    res.status(204).end();
  });

  return router;
}
