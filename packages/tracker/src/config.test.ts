import { describe, expect, it } from 'vitest';
import { DEFAULT_TRACKER_CONFIG, resolveTrackerConfig } from './config.js';
import { InMemorySwarmRegistry } from './swarm-registry.js';

describe('resolveTrackerConfig', () => {
  it('gives the defaults for no options', () => {
    expect(resolveTrackerConfig()).toEqual(DEFAULT_TRACKER_CONFIG);
    expect(DEFAULT_TRACKER_CONFIG).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      maxPeersPerJoin: 20,
      maxPeersPerIpPerSwarm: 3,
      maxSwarmsPerSocket: 4,
      maxEventsPerSecond: 50,
      eventBurst: 100,
      maxHttpBufferSize: 65536,
      trustProxy: false,
      maxSocketsPerIp: 32,
      meetingTicketRenewMs: 600_000,
      meetingTicketMaxAgeMs: 1_800_000,
    });
  });

  it('freezes the defaults and returns a fresh object', () => {
    expect(Object.isFrozen(DEFAULT_TRACKER_CONFIG)).toBe(true);
    const config = resolveTrackerConfig({ port: 1234 });
    expect(config.port).toBe(1234);
    expect(DEFAULT_TRACKER_CONFIG.port).toBe(0);
  });

  it('drops undefined values but keeps 0 and false', () => {
    const config = resolveTrackerConfig({
      port: undefined,
      maxPeersPerJoin: undefined,
      statsTopSwarms: 0,
      trustProxy: false,
    });
    expect(config.port).toBe(0);
    expect(config.maxPeersPerJoin).toBe(20);
    expect(config.statsTopSwarms).toBe(0);
  });

  it.each([
    [{ port: 70000 }, /port must be an integer 0-65535/],
    [{ port: 1.5 }, /port/],
    [{ host: '' }, /host/],
    [{ path: 'socket.io' }, /path must start with/],
    [{ maxPeersPerJoin: 0 }, /maxPeersPerJoin must be a positive integer/],
    [{ maxPeersPerIpPerSwarm: -1 }, /maxPeersPerIpPerSwarm/],
    [{ maxSwarmsPerSocket: 2.5 }, /maxSwarmsPerSocket/],
    [{ maxEventsPerSecond: 0 }, /maxEventsPerSecond/],
    [{ floodDisconnectFactor: 1 }, /floodDisconnectFactor/],
    [{ secret: 'short' }, /secret must be at least 16/],
    [{ trustProxy: 'yes' }, /trustProxy: invalid IP address: yes/],
    [{ trustProxy: -1 }, /trustProxy must be a boolean, a hop count/],
    [{ maxSocketsPerIp: 0 }, /maxSocketsPerIp must be a positive integer/],
    [{ meetingTicketRenewMs: 3_600_000 }, /meetingTicketRenewMs must be below/],
    [{ nonsense: 1 } as object, /unknown option "nonsense"/],
  ])('rejects %o', (options, message) => {
    expect(() => resolveTrackerConfig(options)).toThrow(message);
  });

  it('rejects contradictions with a message that says what to change', () => {
    expect(() =>
      resolveTrackerConfig({ secret: 'a-long-enough-secret', authenticate: () => ({ ok: true }) }),
    ).toThrow(/either secret .* or authenticate/);
    expect(() => resolveTrackerConfig({ maxPeersPerJoin: 200 })).toThrow(
      /candidatePoolSize \(100\) must be at least maxPeersPerJoin \(200\)/,
    );
    expect(
      resolveTrackerConfig({ maxPeersPerJoin: 200, candidatePoolSize: 200 }).maxPeersPerJoin,
    ).toBe(200);
    expect(() => resolveTrackerConfig({ maxHttpBufferSize: 1000 })).toThrow(
      /so a full signal fits/,
    );
    expect(() => resolveTrackerConfig({ maxEventsPerSecond: 5, eventBurst: 100 })).toThrow(
      /eventBurst must not exceed/,
    );
  });

  it('checks the cluster settings', () => {
    expect(resolveTrackerConfig({ redisUrl: 'redis://127.0.0.1:6379' })).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      keyPrefix: 'streamrp2p:tracker:',
      memberTtl: 15_000,
    });
    expect(() => resolveTrackerConfig({ redisUrl: 'http://x' })).toThrow(/redis:\/\//);
    expect(() => resolveTrackerConfig({ memberTtl: 0 })).toThrow(/memberTtl must be a positive/);
    expect(() => resolveTrackerConfig({ keyPrefix: 'a b' })).toThrow(/keyPrefix/);
    expect(() =>
      resolveTrackerConfig({
        redisUrl: 'redis://127.0.0.1:6379',
        registry: new InMemorySwarmRegistry(),
      }),
    ).toThrow(/either redisUrl .* or registry\/peerDirectory/);
  });
});
