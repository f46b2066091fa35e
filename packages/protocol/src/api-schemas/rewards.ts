/**
 * Schemas of what the player's rewards need beyond the rest of the API (issue 12, decision 37):
 * a stream's supporter count, for the "join N other supporters" line.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Closed } from './builders.js';

/** `GET /api/streams/:streamId/supporters` (public). */
export const StreamSupportersResponse = Closed({
  streamId: Type.String(),
  supporters: Type.Integer({
    minimum: 0,
    description:
      'Distinct viewers credited as uploaders in the stream over the window, frozen credit excluded',
  }),
  windowDays: Type.Integer({ minimum: 1, description: 'The window, in days' }),
});

export type StreamSupportersResponse = Static<typeof StreamSupportersResponse>;
