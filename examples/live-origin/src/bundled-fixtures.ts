/**
 * The fixtures committed with this package. The same relative paths work from src/ and dist/.
 */
import { fileURLToPath } from 'node:url';
import type { FixtureFormat } from './container.js';

/** 40 s, two renditions (240p, 360p), 2 s MPEG-TS segments. The default fixture. */
export const TS_FIXTURE_DIR = fileURLToPath(new URL('../fixture/', import.meta.url));

/** 16 s, three renditions (180p, 360p, 720p at about 0.2 / 0.8 / 1.9 Mb/s), 4 s fMP4 segments. */
export const FMP4_FIXTURE_DIR = fileURLToPath(new URL('../fixture-fmp4/', import.meta.url));

/**
 * The folder of the bundled fixture in `format`, for the `fixtureDir` option.
 *
 * @example
 * const origin = await startLiveOrigin({ fixtureDir: fixtureDirFor('fmp4') });
 */
export function fixtureDirFor(format: FixtureFormat): string {
  return format === 'fmp4' ? FMP4_FIXTURE_DIR : TS_FIXTURE_DIR;
}
