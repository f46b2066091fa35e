export { CoordinatorClient } from './coordinator-client.js';
export type { DestroyResult } from './coordinator-client.js';
export { DEFAULT_COORDINATOR_CONFIG, MAX_RECEIPTS_PER_REQUEST } from './config.js';
export type { CoordinatorConfig, CoordinatorOptions } from './config.js';
export type {
  ChallengeEvent,
  CoordinatorEvents,
  FlushResult,
  PointsEvent,
  ReceiptBatchOutcome,
  ReceiptRejection,
} from './events.js';
export { CoordinatorErrorCode, isRetryable } from './errors.js';
export type { CoordinatorErrorDetails } from './errors.js';
export type { CoordinatorStats } from './stats.js';
export type { RootCheck } from './roots.js';
export type { GetSegment } from './challenges.js';
export type { AwardAction } from './points.js';
export type { ReceiptInput } from './receipt-signing.js';
export type { SessionInfo } from './session.js';
export type { RewardFigures } from './rewards.js';
export { VIEWER_ID_STORAGE_KEY } from './viewer-id.js';
export type { ViewerIdStorage } from './viewer-id.js';
export type { FetchLike } from './api-client.js';
