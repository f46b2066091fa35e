import { describe, expect, it } from 'vitest';
import { FMP4_FIXTURE_DIR, TS_FIXTURE_DIR } from './bundled-fixtures.js';
import { parseCliArgs } from './cli-args.js';

describe('parseCliArgs', () => {
  it('maps flags to options', () => {
    expect(
      parseCliArgs([
        '--port',
        '8080',
        '--host',
        '0.0.0.0',
        '--window',
        '4',
        '--bandwidth-kbps',
        '1500',
        '--latency-ms',
        '50',
        '--failure-rate',
        '0.1',
        '--failure-kind',
        'truncate',
      ]),
    ).toEqual({
      help: false,
      options: {
        port: 8080,
        host: '0.0.0.0',
        windowSegments: 4,
        bandwidthKbps: 1500,
        latencyMs: 50,
        failureRate: 0.1,
        failureKind: 'truncate',
        fixtureDir: undefined,
        byteRanges: undefined,
        ignoreRange: undefined,
      },
    });
  });

  it('maps the fixture, byte-range and ignore-range flags', () => {
    const parsed = parseCliArgs(['--fixture', 'fmp4', '--byte-ranges', '--ignore-range']);
    expect(parsed).toMatchObject({
      help: false,
      options: { fixtureDir: FMP4_FIXTURE_DIR, byteRanges: true, ignoreRange: true },
    });
    expect(parseCliArgs(['--fixture', 'ts'])).toMatchObject({
      options: { fixtureDir: TS_FIXTURE_DIR },
    });
    expect(parseCliArgs(['--fixture-dir', '/tmp/x'])).toMatchObject({
      options: { fixtureDir: '/tmp/x' },
    });
  });

  it('recognises --help', () => {
    expect(parseCliArgs(['--help'])).toEqual({ help: true });
  });

  it('rejects unknown flags, non-numbers and out-of-range values', () => {
    expect(() => parseCliArgs(['--nope'])).toThrow(/nope/);
    expect(() => parseCliArgs(['--port', 'abc'])).toThrow(/--port must be a number/);
    expect(() => parseCliArgs(['--failure-rate', '2'])).toThrow(/failureRate/);
    expect(() => parseCliArgs(['--failure-kind', 'boom'])).toThrow(/failureKind/);
    expect(() => parseCliArgs(['--window', '0'])).toThrow(/windowSegments/);
    expect(() => parseCliArgs(['stray'])).toThrow();
    expect(() => parseCliArgs(['--fixture', 'mkv'])).toThrow(/--fixture must be one of ts, fmp4/);
    expect(() => parseCliArgs(['--fixture', 'ts', '--fixture-dir', '/x'])).toThrow(
      /exclude each other/,
    );
    expect(() => parseCliArgs(['--byte-ranges=yes'])).toThrow(/byte-ranges/);
  });
});
