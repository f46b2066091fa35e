import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { accountRoutes } from '../accounts/account-routes.js';
import { apiKeyRoutes } from '../accounts/api-key-routes.js';
import { analyticsRoutes } from '../analytics/analytics-routes.js';
import { challengeRoutes } from '../challenges/challenge-routes.js';
import { communityRoutes } from '../community/community-routes.js';
import { chatRoutes } from '../chat/chat-routes.js';
import { periodRoutes } from '../economics/period-routes.js';
import { revenueRoutes } from '../economics/revenue-routes.js';
import { statementRoutes } from '../economics/statement-routes.js';
import type { AppContext } from '../context.js';
import { rootsRoutes } from '../indexer/roots-routes.js';
import { metricsRoutes } from '../metrics/metrics-routes.js';
import { payoutRoutes } from '../payouts/payout-routes.js';
import { pointsRoutes } from '../points/points-routes.js';
import { receiptRoutes } from '../receipts/receipt-routes.js';
import { referralRoutes } from '../referrals/referral-routes.js';
import { rewardsRoutes } from '../rewards/rewards-routes.js';
import { sessionRoutes } from '../sessions/session-routes.js';
import { streamRoutes } from '../streams/stream-routes.js';
import { studioRoutes } from '../studio/studio-routes.js';
import { studioStatic } from '../studio/studio-static.js';
import { trustRoutes } from '../trust/trust-routes.js';
import { viewerAccountRoutes } from '../viewer-accounts/viewer-account-routes.js';
import { followRoutes } from '../follows/follow-routes.js';
import { growthRoutes } from '../growth/growth-routes.js';
import { leaderboardRoutes } from '../leaderboards/leaderboard-routes.js';
import { privacyRoutes } from '../privacy/privacy-routes.js';
import { cors, errorHandler, notFound, requestMetrics } from './middleware.js';
import { requestLogger } from './request-log.js';
import { systemRoutes } from './system-routes.js';

/**
 * The express app: request ids and log, middleware, every route module, JSON 404 and the error
 * handler (which logs through `logger`).
 */
export function createApp(ctx: AppContext, logger: Logger): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', ctx.config.trustProxy);
  app.set('query parser', 'simple');
  app.use(requestLogger(logger));
  app.use(requestMetrics(ctx.metrics));
  app.use(cors);
  app.use(
    express.json({
      limit: ctx.config.bodyLimitBytes,
      type: ['application/json', 'application/*+json'],
    }),
  );
  for (const routes of [
    systemRoutes,
    streamRoutes,
    accountRoutes,
    apiKeyRoutes,
    rootsRoutes,
    sessionRoutes,
    receiptRoutes,
    challengeRoutes,
    pointsRoutes,
    trustRoutes,
    rewardsRoutes,
    referralRoutes,
    revenueRoutes,
    periodRoutes,
    statementRoutes,
    metricsRoutes,
    analyticsRoutes,
    payoutRoutes,
    studioRoutes,
    chatRoutes,
    viewerAccountRoutes,
    followRoutes,
    communityRoutes,
    leaderboardRoutes,
    growthRoutes,
    privacyRoutes,
  ]) {
    app.use(routes(ctx));
  }
  app.use(studioStatic());
  app.use(notFound);
  app.use(
    errorHandler({
      metrics: ctx.metrics,
      retryAfterSeconds: ctx.config.unavailableRetryAfterSeconds,
    }),
  );
  return app;
}
