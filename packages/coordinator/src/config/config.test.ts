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

describe('sybil limit and origin settings', () => {
  it('reads the limits and a comma-separated allow-list from the environment', () => {
    const read = optionsFromEnv({
      LIVE_SESSIONS_PER_ADDRESS: '4',
      STREAMERS_PER_HOUR_PER_NETWORK: '50',
      ORIGIN_ALLOW_LIST: ' 127.0.0.1, origin.lan ,,10.0.0.0/8 ',
      ORIGIN_MAX_SEGMENT_BYTES: '1048576',
    });
    expect(read).toMatchObject({
      ok: true,
      options: {
        liveSessionsPerAddress: 4,
        streamersPerHourPerNetwork: 50,
        originAllowList: ['127.0.0.1', 'origin.lan', '10.0.0.0/8'],
        originMaxSegmentBytes: 1_048_576,
      },
    });
    expect(resolveCoordinatorConfig(read.ok ? read.options : {}).originAllowList).toEqual([
      '127.0.0.1',
      'origin.lan',
      '10.0.0.0/8',
    ]);
  });

  it('refuses allow-list entries that are neither host names nor addresses, and zero limits', () => {
    expect(() => resolveCoordinatorConfig({ originAllowList: ['http://x/'] })).toThrow(
      /originAllowList must be a list of host names, IP addresses and CIDR ranges/,
    );
    expect(() => resolveCoordinatorConfig({ originAllowList: ['10.0.0.0/33'] })).toThrow(
      /originAllowList/,
    );
    expect(() => resolveCoordinatorConfig({ liveSessionsPerAddress: 0 })).toThrow(
      /liveSessionsPerAddress must be an integer in 1\.\./,
    );
  });
});
