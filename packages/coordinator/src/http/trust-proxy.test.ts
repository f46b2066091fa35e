import { describe, expect, it } from 'vitest';
import { resolveCoordinatorConfig } from '../config/config.js';
import { optionsFromEnv } from '../config/env.js';
import { parseTrustProxy, trustProxyProblem } from './trust-proxy.js';

describe('trustProxy', () => {
  it('takes false, a hop count or a list of proxy addresses, subnets and named ranges', () => {
    for (const ok of [
      false,
      0,
      1,
      2,
      'loopback',
      '10.0.0.1',
      'loopback, 10.0.0.0/8, fd00::/8',
      '::1',
      '10.0.0.0/255.0.0.0',
      'linklocal,uniquelocal',
    ]) {
      expect(trustProxyProblem(ok), String(ok)).toBeUndefined();
    }
    for (const bad of [-1, 1.5, 101, '10.0.0.0/33', 'proxy.example', 'loopback,,', '*', {}]) {
      expect(trustProxyProblem(bad), String(bad)).toMatch(/./);
    }
  });

  it('refuses true, saying why and what to give instead', () => {
    expect(trustProxyProblem(true)).toMatch(/hop count .* left-most X-Forwarded-For/);
    expect(() => resolveCoordinatorConfig({ trustProxy: true as never })).toThrow(
      /trustProxy must be a hop count .*left-most/,
    );
    const read = optionsFromEnv({ TRUST_PROXY: 'true' });
    expect(read.ok).toBe(false);
    expect(!read.ok && read.problems.join()).toMatch(/TRUST_PROXY must be a hop count/);
  });

  it('parses TRUST_PROXY as a hop count or a list', () => {
    expect(parseTrustProxy(undefined)).toBeUndefined();
    expect(parseTrustProxy(' ')).toBeUndefined();
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('loopback, 10.0.0.0/8')).toBe('loopback, 10.0.0.0/8');
    const read = optionsFromEnv({ TRUST_PROXY: '10.1.2.3, 10.0.0.0/16' });
    expect(read.ok && read.options.trustProxy).toBe('10.1.2.3, 10.0.0.0/16');
    expect(optionsFromEnv({ TRUST_PROXY: '10.0.0.0/99' }).ok).toBe(false);
  });
});
