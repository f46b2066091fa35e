import { describe, expect, it } from 'vitest';
import { LiveOriginError } from './live-origin-error.js';
import { DEFAULT_LIVE_ORIGIN_CONFIG, mergeLiveOriginConfig, pickEmulation } from './options.js';

const invalid = (fn: () => unknown, message: RegExp): void => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LiveOriginError);
    expect((err as LiveOriginError).code).toBe('INVALID_OPTION');
    expect((err as LiveOriginError).message).toMatch(message);
    return;
  }
  expect.fail('expected an INVALID_OPTION error');
};

describe('options', () => {
  it('has frozen defaults with everything off', () => {
    expect(Object.isFrozen(DEFAULT_LIVE_ORIGIN_CONFIG)).toBe(true);
    expect(pickEmulation(DEFAULT_LIVE_ORIGIN_CONFIG)).toEqual({
      bandwidthKbps: 0,
      latencyMs: 0,
      failureRate: 0,
      failureKind: '503',
      ignoreRange: false,
    });
    expect(DEFAULT_LIVE_ORIGIN_CONFIG.byteRanges).toBe(false);
    expect(DEFAULT_LIVE_ORIGIN_CONFIG.windowSegments).toBe(6);
    expect(DEFAULT_LIVE_ORIGIN_CONFIG.host).toBe('127.0.0.1');
    expect(DEFAULT_LIVE_ORIGIN_CONFIG.fixtureDir).toMatch(/live-origin[/\\]fixture[/\\]?$/);
  });

  it('drops undefined fields and keeps zeros', () => {
    const merged = mergeLiveOriginConfig(DEFAULT_LIVE_ORIGIN_CONFIG, {
      windowSegments: undefined,
      latencyMs: 0,
      bandwidthKbps: 500,
    });
    expect(merged.windowSegments).toBe(6);
    expect(merged.bandwidthKbps).toBe(500);
    expect(DEFAULT_LIVE_ORIGIN_CONFIG.bandwidthKbps).toBe(0);
  });

  it('rejects bad values, naming the field', () => {
    const d = DEFAULT_LIVE_ORIGIN_CONFIG;
    invalid(() => mergeLiveOriginConfig(d, { bandwidthKbps: -1 }), /bandwidthKbps.*>= 0/);
    invalid(() => mergeLiveOriginConfig(d, { latencyMs: Number.NaN }), /latencyMs/);
    invalid(() => mergeLiveOriginConfig(d, { failureRate: 1.5 }), /failureRate.*0 to 1/);
    invalid(() => mergeLiveOriginConfig(d, { failureRate: -0.1 }), /failureRate/);
    invalid(
      () => mergeLiveOriginConfig(d, { failureKind: 'explode' as never }),
      /failureKind.*503, stall, truncate/,
    );
    invalid(() => mergeLiveOriginConfig(d, { windowSegments: 0 }), /windowSegments/);
    invalid(() => mergeLiveOriginConfig(d, { windowSegments: 2.5 }), /windowSegments/);
    invalid(() => mergeLiveOriginConfig(d, { port: 70_000 }), /port/);
    invalid(() => mergeLiveOriginConfig(d, { bogus: 1 }), /unknown option "bogus"/);
    invalid(
      () => mergeLiveOriginConfig(d, { ignoreRange: 1 as never }),
      /ignoreRange.*true or false/,
    );
    invalid(() => mergeLiveOriginConfig(d, { byteRanges: 'yes' as never }), /byteRanges/);
    invalid(() => mergeLiveOriginConfig(d, null as never), /object/);
  });

  it('accepts only emulation fields at runtime', () => {
    const emulation = pickEmulation(DEFAULT_LIVE_ORIGIN_CONFIG);
    expect(
      mergeLiveOriginConfig(
        emulation,
        { failureRate: 0.5, failureKind: 'stall' },
        { emulationOnly: true },
      ),
    ).toEqual({ ...emulation, failureRate: 0.5, failureKind: 'stall' });
    expect(
      mergeLiveOriginConfig(emulation, { ignoreRange: true }, { emulationOnly: true }).ignoreRange,
    ).toBe(true);
    invalid(
      () => mergeLiveOriginConfig(emulation, { windowSegments: 3 }, { emulationOnly: true }),
      /cannot change at runtime/,
    );
    invalid(
      () => mergeLiveOriginConfig(emulation, { byteRanges: true }, { emulationOnly: true }),
      /"byteRanges" cannot change at runtime/,
    );
  });
});
