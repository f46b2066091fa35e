import { describe, expect, it } from 'vitest';
import { resolveCoordinatorConfig } from '../config/config.js';
import { optionsFromEnv } from '../config/env.js';

describe('privacy configuration', () => {
  it('reads the salt and the retention periods from the environment', () => {
    const parsed = optionsFromEnv({
      PSEUDONYM_SALT: 'a-salt-of-sixteen-or-more',
      RECEIPT_RETENTION_DAYS: '120',
      ADDRESS_RETENTION_DAYS: '14',
      RETENTION_INTERVAL_MS: '0',
    });
    expect(parsed.ok).toBe(true);
    const config = resolveCoordinatorConfig(parsed.ok ? parsed.options : {});
    expect(config).toMatchObject({
      pseudonymSalt: 'a-salt-of-sixteen-or-more',
      receiptRetentionDays: 120,
      addressRetentionDays: 14,
      retentionIntervalMs: 0,
    });
    expect(resolveCoordinatorConfig({})).toMatchObject({
      pseudonymSalt: undefined,
      receiptRetentionDays: 90,
      addressRetentionDays: 30,
      retentionIntervalMs: 3_600_000,
    });
  });

  it('refuses a short salt, retention shorter than what the jobs read, and contradictions', () => {
    expect(() => resolveCoordinatorConfig({ pseudonymSalt: 'short' })).toThrow(
      /pseudonymSalt must be a string of at least 16/,
    );
    expect(() => resolveCoordinatorConfig({ receiptRetentionDays: 3 })).toThrow(
      /receiptRetentionDays must be/,
    );
    expect(() => resolveCoordinatorConfig({ addressRetentionDays: 1 })).toThrow(
      /addressRetentionDays must be/,
    );
    expect(() =>
      resolveCoordinatorConfig({ addressRetentionDays: 2, collusionWindowSeconds: 3 * 86_400 }),
    ).toThrow(/collusionWindowSeconds must be shorter than addressRetentionDays/);
  });
});
