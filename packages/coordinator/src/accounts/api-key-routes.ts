/**
 * `/api/streamers/:streamerId/api-keys`: a streamer's keys, listed (never the key), created
 * (the key answered once) and revoked. The streamer authenticates with a key of its own or the
 * studio's session cookie (with the CSRF checks for changes).
 */
import type { ApiKeysResponse, CreatedApiKeyResponse } from '@streamrp2p/protocol/api-schemas';
import { ApiKeyPath, ApiKeysPath, CreateApiKeyRequest } from '@streamrp2p/protocol/api-schemas';
import { Router, type Request } from 'express';
import createDebug from 'debug';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { authenticateStreamer } from '../http/auth.js';
import * as validate from '../http/validate.js';
import { nowDate } from '../util/clock.js';
import {
  insertApiKey,
  listApiKeys,
  liveApiKeyCount,
  revokeApiKey,
  toApiKeyResponse,
} from './api-key-store.js';

const log = createDebug('streamrp2p:coordinator:accounts');

/** Live keys one streamer may hold. */
export const MAX_LIVE_API_KEYS = 20;

const keysPath = validate.path(ApiKeysPath);
const keyPath = validate.path(ApiKeyPath);
const createBody = validate.body(CreateApiKeyRequest);

/** 401 unless authenticated, 403 unless as `streamerId` itself. */
async function requireStreamer(ctx: AppContext, req: Request, streamerId: string): Promise<void> {
  const streamer = await authenticateStreamer(ctx, req);
  if (streamer.id !== streamerId)
    throw new ApiError('FORBIDDEN', 'only the streamer may manage its API keys');
}

export function apiKeyRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/api/streamers/:streamerId/api-keys', async (req, res) => {
    const { streamerId } = keysPath.parse(req.params);
    await requireStreamer(ctx, req, streamerId);
    const rows = await listApiKeys(ctx.db, streamerId);
    const response: ApiKeysResponse = { apiKeys: rows.map(toApiKeyResponse) };
    res.set('Cache-Control', 'no-store').json(response);
  });

  router.post('/api/streamers/:streamerId/api-keys', async (req, res) => {
    const { streamerId } = keysPath.parse(req.params);
    const { name } = createBody.parse(req.body);
    await requireStreamer(ctx, req, streamerId);
    if ((await liveApiKeyCount(ctx.db, streamerId)) >= MAX_LIVE_API_KEYS) {
      throw new ApiError(
        'API_KEY_LIMIT',
        `at most ${MAX_LIVE_API_KEYS} live API keys per streamer: revoke one first`,
      );
    }
    const { row, apiKey } = await insertApiKey(ctx.db, streamerId, name, nowDate(ctx.clock));
    log('API key %s created for streamer %s', row.id, streamerId);
    const response: CreatedApiKeyResponse = { ...toApiKeyResponse(row), apiKey };
    res.status(201).set('Cache-Control', 'no-store').json(response);
  });

  router.delete('/api/streamers/:streamerId/api-keys/:keyId', async (req, res) => {
    const { streamerId, keyId } = keyPath.parse(req.params);
    await requireStreamer(ctx, req, streamerId);
    const revoked = await revokeApiKey(ctx.db, streamerId, keyId, nowDate(ctx.clock));
    if (revoked === undefined) throw new ApiError('API_KEY_NOT_FOUND', `no API key ${keyId}`);
    log('API key %s of streamer %s revoked', keyId, streamerId);
    res.status(204).end();
  });

  return router;
}
