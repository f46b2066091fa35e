/**
 * Schemas of the routes the studio needs beyond the rest of the API (issue 12, decision 35): a
 * streamer's streams, a stream's indexing progress, and its live figures (pushed as server-sent
 * events, or read once as JSON).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Closed, DateTime, Ratio } from './builders.js';
import { StreamResponse } from './responses.js';

const Str = (description?: string) => Type.String(description === undefined ? {} : { description });
const Count = (description: string) => Type.Integer({ minimum: 0, description });

/** `GET /api/streamers/:streamerId/streams`: the streamer's streams, newest first. */
export const StreamsResponse = Closed({ streams: Type.Array(StreamResponse) });

export const RenditionProgress = Closed({
  rendition: Str(),
  segments: Count('Segments indexed (roots stored)'),
  lastSequence: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Highest sequence indexed',
  }),
  lastIndexedAt: Type.Union([DateTime(), Type.Null()]),
});

export const IndexingError = Closed({
  message: Str(),
  at: DateTime(),
});

/** `GET /api/streams/:streamId/indexing` (owner). */
export const IndexingResponse = Closed({
  streamId: Str(),
  following: Type.Boolean({ description: 'Whether this process indexer follows the stream' }),
  renditions: Type.Array(RenditionProgress, { description: 'Renditions found, by name' }),
  segmentsIndexed: Count('Segments indexed over every rendition'),
  lastError: Type.Union([IndexingError, Type.Null()], {
    description: "The indexer's latest failure reading the stream, cleared by a success",
  }),
});

export const LiveAlertCode = Type.Union([
  Type.Literal('P2P_SHARE_LOW'),
  Type.Literal('P2P_SHARE_DROPPED'),
  Type.Literal('STALLS_HIGH'),
]);

export const LiveAlert = Closed({
  code: LiveAlertCode,
  severity: Type.Union([Type.Literal('warning'), Type.Literal('critical')]),
  message: Str(),
});

/** One push of `GET /api/streams/:streamId/live` (event `live`). */
export const LiveSnapshot = Closed({
  streamId: Str(),
  at: DateTime(),
  windowSeconds: Count(
    'The window of the byte, share and stall figures: since the previous minute began',
  ),
  viewers: Count('Live sessions of the stream'),
  supporters: Count('Distinct viewers with a live, credited uploader session'),
  p2pBytes: Count('Verified P2P bytes credited in the window'),
  cdnBytes: Count('Bytes viewers reported loading over HTTP in the window'),
  p2pShare: Type.Union([Ratio('p2pBytes / (p2pBytes + cdnBytes)'), Type.Null()]),
  stalls: Count('Stalls viewers reported in the window'),
  savedBytes24h: Count('Verified P2P bytes of the last 24 hours'),
  estimatedSavingsMicros24h: Type.Integer({
    minimum: 0,
    description: 'savedBytes24h x the CDN cost per GB, micro-units',
  }),
  currency: Str(),
  alerts: Type.Array(LiveAlert),
});

/** `?format=json` reads one snapshot instead of the event stream. */
export const LiveQuery = Closed({
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('events')])),
});

export type StreamsResponse = Static<typeof StreamsResponse>;
export type RenditionProgress = Static<typeof RenditionProgress>;
export type IndexingResponse = Static<typeof IndexingResponse>;
export type LiveAlertCode = Static<typeof LiveAlertCode>;
export type LiveAlert = Static<typeof LiveAlert>;
export type LiveSnapshot = Static<typeof LiveSnapshot>;
