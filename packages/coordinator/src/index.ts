export { Coordinator, createCoordinator, type CoordinatorAddress } from './coordinator.js';
export {
  DEFAULT_COORDINATOR_CONFIG,
  MIN_TRACKER_SECRET_LENGTH,
  resolveCoordinatorConfig,
  type CoordinatorConfig,
  type CoordinatorOptions,
} from './config/config.js';
export { ENV_VARIABLES, optionsFromEnv } from './config/env.js';
export { API_ERROR_STATUS, ApiError, type ApiErrorCode } from './errors.js';
export { openDatabase, pingDatabase, type Database, type DatabaseOptions } from './db/connect.js';
export { MIGRATIONS, migrateToLatest } from './db/migrate.js';
export { PGlitePool } from './db/pglite-pool.js';
export type { DB } from './db/schema.js';
export { OPENAPI_DOCUMENT } from './http/openapi.js';
export { CoordinatorMetrics } from './http/metrics.js';
export { SegmentIndexer } from './indexer/segment-indexer.js';
export { MAX_ROOTS_RANGE } from './indexer/roots-routes.js';
export { ReceiptRejection } from './receipts/receipt-codes.js';
export { MAX_RECEIPTS_PER_BATCH } from './receipts/parse-receipt.js';
export type { RollUpResult } from './receipts/credit-rollup.js';
export {
  maxReputationAt,
  REPUTATION_SCALES,
  REPUTATION_WEIGHTS,
  reputationOf,
  type Reputation,
  type ReputationFacts,
} from './trust/reputation.js';
export { reputationsOf, viewerReputation } from './trust/viewer-reputation.js';
export {
  CHUNK_BYTES,
  chunksOf,
  economicsPolicy,
  type EconomicsPolicy,
} from './economics/policy.js';
export { earningsOf, type Earnings, type EarningsInput } from './economics/earnings.js';
export { splitRevenue, type RevenueSplit, type SplitInput } from './economics/split.js';
export { COLLUSION_RULES } from './trust/collusion-signals.js';
export {
  closePeriod,
  type CloseDeps,
  type ClosedPeriod,
  type ClosePhases,
} from './economics/period-close.js';
export { recordRevenue, type NewRevenue } from './economics/revenue.js';
export {
  PayoutService,
  type PayoutRunResult,
  type PayoutServiceOptions,
} from './payouts/payout-service.js';
export type { PayoutOutcome, PayoutProvider, PayoutRequest } from './payouts/provider.js';
export { FilePayoutProvider, type FilePayoutProviderOptions } from './payouts/file-provider.js';
export {
  StripePayoutProvider,
  type StripePayoutProviderOptions,
} from './payouts/stripe-provider.js';
export { createPayoutProvider } from './payouts/create-provider.js';
export { currencyUnits, payableMicros, toMinorUnits } from './payouts/currency-units.js';
export type { CollusionRunResult } from './trust/collusion-job.js';
export type { MetricsRunResult } from './metrics/metrics-job.js';
export type { RetentionRunResult } from './privacy/retention.js';
export { ACTION_COOLDOWN_SECONDS, pointsStatus, watchCredit } from './points/points-rules.js';
export type { SessionSummaryResponse } from '@streamrp2p/protocol';
export { signTrackerToken } from './sessions/tracker-token.js';
export { embedSnippet, type EmbedSnippetInput } from './streams/embed-snippet.js';
