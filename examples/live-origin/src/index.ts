export * from './bundled-fixtures.js';
export { streamFileName, type ConcatenatedStream } from './concatenated-stream.js';
export {
  FIXTURE_FORMATS,
  INIT_SEGMENT_NAME,
  SEGMENT_EXTENSION,
  type FixtureFormat,
} from './container.js';
export * from './control-routes.js';
export * from './failure-plan.js';
export * from './fixture.js';
export * from './live-origin-error.js';
export * from './live-origin.js';
export * from './live-playlist.js';
export * from './live-timeline.js';
export { targetDurationS, type ByteRangeSpec } from './media-playlist.js';
export * from './options.js';
export { STALL_SEND_BYTES } from './send-body.js';
export * from './origin-handler.js';
export * from './stats.js';
