import { describe, expect, it } from 'vitest';
import { CLI_DEFAULT_PORT, parseCliOptions } from './cli-options.js';

describe('parseCliOptions', () => {
  it('uses port 8090 and the library defaults otherwise', () => {
    const command = parseCliOptions([], {});
    expect(command).toMatchObject({
      kind: 'run',
      options: { port: CLI_DEFAULT_PORT, host: undefined, secret: undefined },
    });
    expect(CLI_DEFAULT_PORT).toBe(8090);
  });

  it('maps every flag', () => {
    const command = parseCliOptions(
      [
        '--port',
        '0',
        '--host',
        '0.0.0.0',
        '--secret',
        'a-long-enough-secret',
        '--max-peers-per-ip',
        '5',
        '--max-swarms-per-socket',
        '2',
        '--max-peers-per-join',
        '30',
        '--trust-proxy',
      ],
      {},
    );
    expect(command).toEqual({
      kind: 'run',
      options: {
        port: 0,
        host: '0.0.0.0',
        secret: 'a-long-enough-secret',
        maxPeersPerIpPerSwarm: 5,
        maxSwarmsPerSocket: 2,
        maxPeersPerJoin: 30,
        candidatePoolSize: undefined,
        trustProxy: true,
      },
    });
  });

  it('reads TRACKER_SECRET when --secret is absent, and the flag wins', () => {
    expect(parseCliOptions([], { TRACKER_SECRET: 'env-secret-0123456789' })).toMatchObject({
      options: { secret: 'env-secret-0123456789' },
    });
    expect(
      parseCliOptions(['--secret', 'flag-secret-0123456789'], {
        TRACKER_SECRET: 'env-secret-0123456789',
      }),
    ).toMatchObject({
      options: { secret: 'flag-secret-0123456789' },
    });
    expect(parseCliOptions([], { TRACKER_SECRET: '' })).toMatchObject({
      options: { secret: undefined },
    });
  });

  it('grows the candidate pool for a large --max-peers-per-join', () => {
    expect(parseCliOptions(['--max-peers-per-join', '150'], {})).toMatchObject({
      kind: 'run',
      options: { maxPeersPerJoin: 150, candidatePoolSize: 150 },
    });
  });

  it.each([
    [['--port', 'abc'], /--port must be a whole number/],
    [['--port', '99999'], /port must be an integer 0-65535/],
    [['--max-peers-per-ip', '0'], /maxPeersPerIpPerSwarm must be a positive integer/],
    [['--max-swarms-per-socket=-1'], /--max-swarms-per-socket must be a whole number/],
    [['--bogus'], /Unknown option/],
    [['extra'], /positional/],
    [['--secret', 'short'], /secret must be at least 16/],
  ])('reports %j as an error', (argv, message) => {
    const command = parseCliOptions(argv, {});
    expect(command.kind).toBe('error');
    expect(command.kind === 'error' ? command.message : '').toMatch(message);
  });

  it('takes cluster mode from --redis-url or REDIS_URL (the flag wins)', () => {
    expect(parseCliOptions([], { REDIS_URL: 'redis://127.0.0.1:6379' })).toMatchObject({
      kind: 'run',
      options: { redisUrl: 'redis://127.0.0.1:6379' },
    });
    expect(
      parseCliOptions(
        ['--redis-url', 'redis://10.0.0.1:6379', '--key-prefix', 't1:', '--member-ttl', '900'],
        { REDIS_URL: 'redis://127.0.0.1:6379' },
      ),
    ).toMatchObject({
      kind: 'run',
      options: { redisUrl: 'redis://10.0.0.1:6379', keyPrefix: 't1:', memberTtl: 900 },
    });
    expect(parseCliOptions([], { REDIS_URL: '' })).toMatchObject({
      options: { redisUrl: undefined },
    });
  });

  it('takes trusted proxies as a hop count or a list, from the flags or TRUST_PROXY', () => {
    expect(parseCliOptions(['--trusted-proxies', '10.0.0.0/8, loopback'], {})).toMatchObject({
      kind: 'run',
      options: { trustProxy: '10.0.0.0/8, loopback' },
    });
    expect(parseCliOptions([], { TRUST_PROXY: '2' })).toMatchObject({
      options: { trustProxy: 2 },
    });
    expect(parseCliOptions(['--max-sockets-per-ip', '5'], {})).toMatchObject({
      options: { maxSocketsPerIp: 5 },
    });
    const both = parseCliOptions(['--trust-proxy', '--trusted-proxies', '1'], {});
    expect(both.kind === 'error' ? both.message : '').toMatch(/either --trust-proxy or/);
    const bad = parseCliOptions(['--trusted-proxies', 'not-an-address'], {});
    expect(bad.kind === 'error' ? bad.message : '').toMatch(/trustProxy/);
  });

  it('asks for help', () => {
    expect(parseCliOptions(['--help'], {})).toEqual({ kind: 'help' });
    expect(parseCliOptions(['-h'], {})).toEqual({ kind: 'help' });
  });
});
