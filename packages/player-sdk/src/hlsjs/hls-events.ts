import type { ErrorDetails, Events } from 'hls.js';

/**
 * The hls.js event and error names the integration listens to: the values of hls.js' `Events`
 * and `ErrorDetails` enums, written out so this module does not import hls.js at runtime (the
 * developer's page brings it). They are stable across hls.js 1.x; a test checks them against
 * the installed hls.js.
 */
export const HLS_EVENTS = {
  MANIFEST_PARSED: 'hlsManifestParsed' as Events.MANIFEST_PARSED,
  FRAG_LOADED: 'hlsFragLoaded' as Events.FRAG_LOADED,
  ERROR: 'hlsError' as Events.ERROR,
  DESTROYING: 'hlsDestroying' as Events.DESTROYING,
} as const;

export const BUFFER_STALLED_ERROR = 'bufferStalledError' as ErrorDetails.BUFFER_STALLED_ERROR;
