import { describe, expect, it } from 'vitest';
import { DEFAULT_COORDINATOR_CONFIG, resolveCoordinatorConfig } from './config.js';
import { optionsFromEnv } from './env.js';

describe('resolveCoordinatorConfig', () => {
  it('fills defaults and drops undefined', () => {
    const config = resolveCoordinatorConfig({ port: undefined, sessionTtlSeconds: 60 });
    expect(config.port).toBe(0);
    expect(config.sessionTtlSeconds).toBe(60);
    expect(config.host).toBe(DEFAULT_COORDINATOR_CONFIG.host);
  });

  it('names every bad and unknown field', () => {
    expect(() =>
      resolveCoordinatorConfig({ port: -1, trackerSecret: 'short', bogus: 1 } as never),
    ).toThrow(
      /unknown option "bogus".*port must be an integer.*trackerSecret must be a string of at least 16/,
    );
    expect(() => resolveCoordinatorConfig({ databaseUrl: 'mysql://x' })).toThrow(
      /databaseUrl must be a postgres/,
    );
    expect(() => resolveCoordinatorConfig({ receiptsSameIpAllowed: 0 as never })).toThrow(
      /true or false/,
    );
    expect(() =>
      resolveCoordinatorConfig({ databasePoolSize: 0, creditRollupIntervalMs: -1 }),
    ).toThrow(/databasePoolSize must be an integer in 1\.\.1000.*creditRollupIntervalMs must be/);
  });
});

describe('optionsFromEnv', () => {
  it('reads the documented variables', () => {
    const read = optionsFromEnv({
      PORT: '9000',
      DATABASE_URL: 'postgres://db/x',
      TRACKER_SECRET: 'a-secret-of-16-chars',
      RECEIPTS_SAME_IP_ALLOWED: 'true',
      TRUST_PROXY: '1',
      SESSION_TTL_SECONDS: '',
      CREDIT_ROLLUP_INTERVAL_MS: '0',
      DATABASE_POOL_SIZE: '20',
    });
    expect(read).toMatchObject({
      ok: true,
      options: {
        port: 9000,
        databaseUrl: 'postgres://db/x',
        receiptsSameIpAllowed: true,
        trustProxy: 1,
        sessionTtlSeconds: undefined,
        creditRollupIntervalMs: 0,
        databasePoolSize: 20,
      },
    });
  });

  it('defaults the command port to 8091 and reports every bad variable', () => {
    expect(optionsFromEnv({})).toMatchObject({ ok: true, options: { port: 8091 } });
    const read = optionsFromEnv({
      PORT: 'eighty',
      RECEIPTS_SAME_IP_ALLOWED: 'maybe',
      INDEXER_POLL_MS: '1.5',
    });
    expect(read.ok).toBe(false);
    expect(!read.ok && read.problems).toHaveLength(3);
  });
});
