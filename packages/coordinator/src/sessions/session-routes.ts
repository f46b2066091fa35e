/** `/api/sessions`: a viewer starts watching, refreshes its tracker token, reads its summary, ends. */
import type {
  SessionResponse,
  SessionSummaryResponse,
  TrackerTokenResponse,
} from '@streamrp2p/protocol';
import { CreateSessionRequest, SessionPath } from '@streamrp2p/protocol/api-schemas';
import { Router } from 'express';
import createDebug from 'debug';
import type { AppContext } from '../context.js';
import * as validate from '../http/validate.js';
import { lockKeys, sessionLimitHit } from '../limits/address-limits.js';
import { takeOverKey } from '../limits/key-limit.js';
import { rateLimited } from '../limits/rate-limited.js';
import { recordArrival } from '../referrals/record-referral.js';
import { sessionCreditedBytes } from '../receipts/credit-reads.js';
import { findLiveStream } from '../streams/stream-store.js';
import { nowDate } from '../util/clock.js';
import { viewerReputation } from '../trust/viewer-reputation.js';
import { hashSecret, randomSecret, uuid } from '../util/crypto.js';
import { addressKeys } from '../util/network.js';
import { importReceiptKey } from './public-key.js';
import { authenticateSession, isLive } from './session-auth.js';
import { proveViewer } from './viewer-secret.js';
import { issueTrackerToken, tokenRenditions } from './tracker-token.js';

const log = createDebug('streamrp2p:coordinator:sessions');

const createBody = validate.body(CreateSessionRequest);
const sessionPath = validate.path(SessionPath);

export function sessionRoutes(ctx: AppContext): Router {
  const router = Router();
  // The token names the stream's renditions, so the tracker refuses made-up swarms (decision 22).
  const token = async (peerId: string, streamId: string) =>
    issueTrackerToken(
      ctx.trackerSecret,
      peerId,
      streamId,
      ctx.clock(),
      ctx.config.trackerTokenTtlSeconds,
      await tokenRenditions(ctx.db, streamId),
    );

  router.post('/api/sessions', async (req, res) => {
    const body = createBody.parse(req.body);
    const { streamId, publicKey } = body;
    const viewerId = body.viewerId ?? uuid();
    await importReceiptKey(publicKey);
    await findLiveStream(ctx, streamId);
    const now = nowDate(ctx.clock);
    const session = { id: uuid(), peerId: randomSecret(16), secret: randomSecret() };
    const ip = req.ip ?? '';
    const keys = addressKeys(ip);
    // Count and insert under the address's and the key's locks: concurrent creations queue.
    const { replaced, viewer } = await ctx.db.transaction().execute(async (trx) => {
      await lockKeys(trx, [keys.network, keys.address, `key:${publicKey}`]);
      const ended = await takeOverKey(trx, ctx.config, publicKey, viewerId, now);
      const hit = await sessionLimitHit(trx, ctx.config, keys, now);
      if (hit !== undefined) throw rateLimited(ctx, res, hit);
      const proof = await proveViewer(trx, viewerId, body.viewerSecret, now);
      await trx
        .insertInto('sessions')
        .values({
          id: session.id,
          stream_id: streamId,
          viewer_id: viewerId,
          peer_id: session.peerId,
          public_key: publicKey,
          secret_hash: hashSecret(session.secret),
          ip,
          address_key: keys.address,
          network_key: keys.network,
          created_at: now,
          last_seen_at: now,
          viewer_verified: proof.verified,
          viewer_device_id: proof.deviceId ?? null,
        })
        .execute();
      // A viewer id first seen here, through a share link: its referrals (decision 43).
      if (body.referralCode !== undefined && proof.secret !== undefined) {
        await recordArrival(trx, {
          code: body.referralCode,
          viewerId,
          streamId,
          keys,
          publicKey,
          now,
        });
      }
      return { replaced: ended, viewer: proof };
    });
    log('session %s viewer %s stream %s from %s', session.id, viewerId, streamId, req.ip);
    if (replaced.length > 0) log('session %s replaces %o (same key)', session.id, replaced);
    const response: SessionResponse = {
      sessionId: session.id,
      peerId: session.peerId,
      viewerId,
      sessionSecret: session.secret,
      ...(await token(session.peerId, streamId)),
      viewerVerified: viewer.verified,
      ...(viewer.secret === undefined ? {} : { viewerSecret: viewer.secret }),
    };
    res.status(201).json(response);
  });

  router.post('/api/sessions/:sessionId/token', async (req, res) => {
    const session = await authenticateSession(ctx, req, sessionPath.parse(req.params).sessionId);
    const response: TrackerTokenResponse = await token(session.peer_id, session.stream_id);
    res.json(response);
  });

  router.get('/api/sessions/:sessionId', async (req, res) => {
    const session = await authenticateSession(ctx, req, sessionPath.parse(req.params).sessionId, {
      allowEnded: true,
    });
    const response: SessionSummaryResponse = {
      sessionId: session.id,
      streamId: session.stream_id,
      viewerId: session.viewer_id,
      peerId: session.peer_id,
      createdAt: session.created_at.toISOString(),
      lastSeenAt: session.last_seen_at.toISOString(),
      live: isLive(ctx, session),
      // The row's counter lags the credit roll-up; this adds what is still pending.
      creditedBytes: await sessionCreditedBytes(ctx.db, session.id),
      challengesPassed: session.challenges_passed,
      challengesFailed: session.challenges_failed,
      watchSeconds: Math.floor(session.watch_ms / 1000),
      reputation: (await viewerReputation(ctx.db, session.viewer_id, nowDate(ctx.clock)))
        .reputation,
    };
    res.json(response);
  });

  router.delete('/api/sessions/:sessionId', async (req, res) => {
    const session = await authenticateSession(ctx, req, sessionPath.parse(req.params).sessionId, {
      allowEnded: true,
    });
    await ctx.db
      .updateTable('sessions')
      .set({ ended_at: nowDate(ctx.clock) })
      .where('id', '=', session.id)
      .where('ended_at', 'is', null)
      .execute();
    res.status(204).end();
  });

  return router;
}
