/**
 * The test streams a swarm run can play: the live origin's bundled fixtures. Both are served as
 * `/live/master.m3u8`; only the origin's `fixtureDir` differs.
 */
export {
  FIXTURE_FORMATS as STREAM_KINDS,
  fixtureDirFor,
  type FixtureFormat as StreamKind,
} from '@streamrp2p/live-origin';
