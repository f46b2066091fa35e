import { describe, expect, it } from 'vitest';
import { DEFAULT_COORDINATOR_CONFIG, resolveCoordinatorConfig } from '../config/config.js';
import {
  checkPublishedInSession,
  checkSupporterLimit,
  publishedSince,
  receiverLimit,
  uploaderLimit,
} from './receipt-bounds.js';

const config = DEFAULT_COORDINATOR_CONFIG;

describe('receipt bounds', () => {
  it('opens the receiver window the rewind allowance before its session', () => {
    expect(publishedSince(config, 1_000_000)).toBe(1_000_000 - 60_000);
    expect(publishedSince({ ...config, receiptRewindSeconds: 0 }, 5)).toBe(5);
  });

  it('refuses a segment indexed before the window, at its start included', () => {
    expect(checkPublishedInSession(999, 1000)?.code).toBe('BEFORE_SESSION');
    expect(checkPublishedInSession(1000, 1000)).toBeUndefined();
  });

  it('bounds a receiver by 1.5 x the published bytes, rounded down', () => {
    expect(receiverLimit(config, 1_000_001)).toBe(1_500_001);
    expect(receiverLimit(config, 0)).toBe(0);
    expect(receiverLimit({ ...config, receiverBoundSlack: 2 }, 10)).toBe(20);
  });

  it('bounds an uploader by 50 Mbit/s x (lifetime + 10 s)', () => {
    // 6.25 MB/s: 62.5 MB at birth, 6.25 MB more per second.
    expect(uploaderLimit(config, 0, 0)).toBe(62_500_000);
    expect(uploaderLimit(config, 0, 1000)).toBe(68_750_000);
    // A session "created" in the future (clock skew between processes) gets no more than at birth.
    expect(uploaderLimit(config, 5000, 0)).toBe(62_500_000);
    expect(uploaderLimit({ ...config, uploaderMaxKbps: 8, uploaderBurstSeconds: 0 }, 0, 2000)).toBe(
      2000,
    );
  });

  it('refuses bound settings that would make no sense', () => {
    expect(() => resolveCoordinatorConfig({ receiverBoundSlack: 0.9 })).toThrow(
      /receiverBoundSlack must be a number >= 1/,
    );
    expect(() => resolveCoordinatorConfig({ uploaderMaxKbps: 0 })).toThrow(/uploaderMaxKbps/);
    expect(() => resolveCoordinatorConfig({ uploadersPerAddress: 0 })).toThrow(
      /uploadersPerAddress/,
    );
    expect(() => resolveCoordinatorConfig({ receiptRewindSeconds: -1 })).toThrow(
      /receiptRewindSeconds/,
    );
  });

  it('credits the first 3 uploaders of an address', () => {
    expect(checkSupporterLimit(3, 2)).toBeUndefined();
    expect(checkSupporterLimit(3, 3)?.code).toBe('SUPPORTER_LIMIT');
  });
});
