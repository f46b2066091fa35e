import { describe, expect, it } from 'vitest';
import { resolveCoordinatorConfig } from '../config/config.js';
import { optionsFromEnv } from '../config/env.js';

describe('trust settings', () => {
  it('defaults: payable from 0.7, review disabled, a run a minute over the last hour', () => {
    expect(resolveCoordinatorConfig()).toMatchObject({
      payableReputation: 0.7,
      adminApiKey: undefined,
      collusionIntervalMs: 60_000,
      collusionWindowSeconds: 3600,
      playbackGraceSeconds: 180,
    });
  });

  it('rejects a threshold outside (0, 1], a short admin key, a window under a minute', () => {
    for (const payableReputation of [0, -0.1, 1.5, Number.NaN]) {
      expect(() => resolveCoordinatorConfig({ payableReputation })).toThrow(/payableReputation/);
    }
    expect(() => resolveCoordinatorConfig({ adminApiKey: 'short' })).toThrow(/adminApiKey/);
    expect(() => resolveCoordinatorConfig({ collusionWindowSeconds: 10 })).toThrow(
      /collusionWindowSeconds/,
    );
  });

  it('reads PAYABLE_REPUTATION, ADMIN_API_KEY and the job settings from the environment', () => {
    const read = optionsFromEnv({
      PAYABLE_REPUTATION: '0.8',
      ADMIN_API_KEY: 'an-admin-key-of-some-length',
      COLLUSION_INTERVAL_MS: '0',
      COLLUSION_WINDOW_SECONDS: '7200',
    });
    expect(read).toMatchObject({
      ok: true,
      options: {
        payableReputation: 0.8,
        adminApiKey: 'an-admin-key-of-some-length',
        collusionIntervalMs: 0,
        collusionWindowSeconds: 7200,
      },
    });
    const bad = optionsFromEnv({ PAYABLE_REPUTATION: 'high' });
    expect(bad).toMatchObject({ ok: false });
    expect(bad.ok ? [] : bad.problems).toEqual([
      'PAYABLE_REPUTATION must be a decimal number, got "high"',
    ]);
  });
});
