import { isValidId } from '@streamrp2p/protocol';
import { SdkError, SdkErrorCode } from '../errors.js';
import {
  DEFAULT_COORDINATOR_CONFIG,
  MAX_RECEIPTS_PER_REQUEST,
  type CoordinatorConfig,
  type CoordinatorOptions,
} from './config.js';

function invalid(message: string): SdkError {
  return new SdkError(SdkErrorCode.InvalidConfig, message);
}

const POSITIVE = [
  'rootPollMs',
  'receiptFlushMs',
  'retryBaseMs',
  'retryMaxMs',
  'challengePollMs',
  'heartbeatMs',
  'requestTimeoutMs',
  'destroyTimeoutMs',
  'usageReportMs',
] as const;
const NON_NEGATIVE = ['rootWaitMs', 'tokenRefreshMarginMs'] as const;
const COUNTS = ['receiptBatchSize', 'maxReceiptsPerRequest', 'maxQueuedReceipts'] as const;

/**
 * Merges caller options over the defaults: drops `undefined`, validates every field, and
 * rejects contradictions with a clear message.
 *
 * @example
 * const config = mergeCoordinatorConfig({ url: 'http://127.0.0.1:8080', streamId: 'demo' });
 */
export function mergeCoordinatorConfig(options: CoordinatorOptions): CoordinatorConfig {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const config = { ...DEFAULT_COORDINATOR_CONFIG, ...defined } as CoordinatorConfig;
  if (typeof config.url !== 'string' || !/^https?:\/\/[^/]/.test(config.url)) {
    throw invalid(`url must be an http(s) URL, got ${JSON.stringify(config.url)}`);
  }
  if (!isValidId(config.streamId)) {
    throw invalid(`streamId must be a valid id, got ${JSON.stringify(config.streamId)}`);
  }
  if (config.viewerId !== undefined && !isValidId(config.viewerId)) {
    throw invalid(`viewerId must be a valid id, got ${JSON.stringify(config.viewerId)}`);
  }
  for (const key of POSITIVE) {
    const value = config[key];
    if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
      throw invalid(`${key} must be a positive number of milliseconds, got ${String(value)}`);
    }
  }
  for (const key of NON_NEGATIVE) {
    const value = config[key];
    if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
      throw invalid(`${key} must be a non-negative number of milliseconds, got ${String(value)}`);
    }
  }
  for (const key of COUNTS) {
    if (!Number.isSafeInteger(config[key]) || config[key] < 1) {
      throw invalid(`${key} must be a positive integer, got ${String(config[key])}`);
    }
  }
  if (config.maxReceiptsPerRequest > MAX_RECEIPTS_PER_REQUEST) {
    throw invalid(`maxReceiptsPerRequest must be at most ${MAX_RECEIPTS_PER_REQUEST}`);
  }
  if (config.receiptBatchSize > config.maxQueuedReceipts) {
    throw invalid('receiptBatchSize exceeds maxQueuedReceipts: the queue would never trigger');
  }
  if (config.retryBaseMs > config.retryMaxMs) {
    throw invalid('retryBaseMs exceeds retryMaxMs');
  }
  for (const key of ['now', 'monotonicNow'] as const) {
    if (typeof config[key] !== 'function') throw invalid(`${key} must be a function`);
  }
  for (const key of ['meetingTickets', 'usage'] as const) {
    if (config[key] !== undefined && typeof config[key] !== 'function') {
      throw invalid(`${key} must be a function`);
    }
  }
  if (config.fetch !== undefined && typeof config.fetch !== 'function') {
    throw invalid('fetch must be a function');
  }
  return config;
}
