import { describe, expect, it } from 'vitest';
import { SdkErrorCode } from '../errors.js';
import { DEFAULT_COORDINATOR_CONFIG } from './config.js';
import { mergeCoordinatorConfig } from './merge-config.js';

const base = { url: 'http://127.0.0.1:8080', streamId: 'demo' };

describe('mergeCoordinatorConfig', () => {
  it('fills the defaults and ignores undefined', () => {
    const config = mergeCoordinatorConfig({ ...base, rootWaitMs: undefined, heartbeatMs: 30_000 });
    expect(config.rootWaitMs).toBe(2000);
    expect(config.receiptFlushMs).toBe(5000);
    expect(config.challengePollMs).toBe(15_000);
    expect(config.heartbeatMs).toBe(30_000);
    expect(config.maxQueuedReceipts).toBe(10_000);
    expect(Object.isFrozen(DEFAULT_COORDINATOR_CONFIG)).toBe(true);
  });

  it('keeps zero where zero means something', () => {
    expect(mergeCoordinatorConfig({ ...base, rootWaitMs: 0 }).rootWaitMs).toBe(0);
  });

  it.each([
    [{ url: 'ftp://x' }, /url/],
    [{ streamId: 'a b' }, /streamId/],
    [{ viewerId: '' }, /viewerId/],
    [{ receiptFlushMs: 0 }, /receiptFlushMs/],
    [{ rootWaitMs: -1 }, /rootWaitMs/],
    [{ heartbeatMs: Number.NaN }, /heartbeatMs/],
    [{ maxReceiptsPerRequest: 501 }, /at most 500/],
    [{ receiptBatchSize: 1.5 }, /receiptBatchSize/],
    [{ receiptBatchSize: 100, maxQueuedReceipts: 50 }, /never trigger/],
    [{ retryBaseMs: 60_000 }, /retryBaseMs exceeds retryMaxMs/],
  ])('rejects %j', (options, message) => {
    expect(() => mergeCoordinatorConfig({ ...base, ...options })).toThrow(message);
    try {
      mergeCoordinatorConfig({ ...base, ...options });
    } catch (error) {
      expect(error).toMatchObject({ code: SdkErrorCode.InvalidConfig });
    }
  });
});
