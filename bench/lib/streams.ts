/**
 * The test streams a swarm run can play: the live origin's fixtures. Both are served as
 * `/live/master.m3u8`; only the origin's `fixtureDir` differs.
 */
import * as liveOrigin from '@streamrp2p/live-origin';

/** `ts`: the MPEG-TS fixture; `fmp4`: the fMP4/CMAF fixture (`#EXT-X-MAP`, three renditions). */
export const STREAM_KINDS = ['ts', 'fmp4'] as const;

export type StreamKind = (typeof STREAM_KINDS)[number];

/** The fixture folders @streamrp2p/live-origin exports (the fMP4 one only in newer builds). */
type FixtureExports = Partial<Record<'TS_FIXTURE_DIR' | 'FMP4_FIXTURE_DIR', string>>;

const EXPORT_NAMES: Record<StreamKind, keyof FixtureExports> = {
  ts: 'TS_FIXTURE_DIR',
  fmp4: 'FMP4_FIXTURE_DIR',
};

/**
 * The origin's `fixtureDir` for a stream. `undefined` for `ts` on a live-origin build without
 * the export (its default fixture is the TS one); an error for `fmp4` there.
 */
export function fixtureDirFor(stream: StreamKind): string | undefined {
  const name = EXPORT_NAMES[stream];
  const dir = (liveOrigin as FixtureExports)[name];
  if (dir !== undefined || stream === 'ts') return dir;
  throw new Error(
    `--stream ${stream}: @streamrp2p/live-origin does not export ${name}; rebuild it (npm run build) once the fixture has landed`,
  );
}
