/** Tracker tokens name the stream's indexed renditions, so the tracker refuses made-up swarms. */
import { MAX_TOKEN_RENDITIONS } from '@streamrp2p/protocol';
import { verifyTrackerToken } from '@streamrp2p/tracker';
import { expect, it } from 'vitest';
import { startCoordinator, TRACKER_SECRET } from './api.js';
import { describeWithDatabases } from './databases.js';
import { createSession, createStream, createStreamer } from './fixtures.js';

describeWithDatabases('tracker token renditions', (t) => {
  async function setup() {
    const started = await startCoordinator(t, { indexerEnabled: false });
    const { apiKey } = await createStreamer(started.api);
    const stream = await createStream(started.api, apiKey);
    const addRenditions = (names: string[]) =>
      started.coordinator.db
        .insertInto('renditions')
        .values(
          names.map((rendition) => ({
            stream_id: stream.streamId,
            rendition,
            playlist_url: `http://127.0.0.1:9/${rendition}.m3u8`,
            discovered_at: new Date(),
          })),
        )
        .execute();
    const payloadOf = (token: string) => {
      const verified = verifyTrackerToken(TRACKER_SECRET, token);
      if (!verified.ok) throw verified.error;
      return verified.payload;
    };
    return { ...started, stream, addRenditions, payloadOf };
  }

  it('names none before the indexer found any, then the stream’s renditions', async () => {
    const { api, stream, addRenditions, payloadOf } = await setup();
    const early = await createSession(api, stream.streamId);
    expect(payloadOf(early.trackerToken).renditions).toBeUndefined();

    await addRenditions(['live_720p', 'live_240p']);
    const later = await createSession(api, stream.streamId);
    expect(payloadOf(later.trackerToken).renditions).toEqual(['live_240p', 'live_720p']);
    // A refreshed token of the early session names them too.
    const refreshed = await api.post(`/api/sessions/${early.sessionId}/token`, undefined, {
      token: early.sessionSecret,
    });
    expect(payloadOf(refreshed.body.trackerToken).renditions).toEqual(['live_240p', 'live_720p']);
  });

  it('names none for a stream with more renditions than a token carries', async () => {
    const { api, stream, addRenditions, payloadOf } = await setup();
    await addRenditions(Array.from({ length: MAX_TOKEN_RENDITIONS + 1 }, (_, i) => `r${i}`));
    const session = await createSession(api, stream.streamId);
    expect(payloadOf(session.trackerToken).renditions).toBeUndefined();
  });
});
