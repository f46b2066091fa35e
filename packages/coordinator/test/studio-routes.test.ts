/**
 * The studio's routes (decision 35): a streamer's streams, a stream's indexing progress, and its
 * live figures as JSON and as server-sent events, with the alerts and the Prometheus gauges
 * `docs/alerts.yml` reads.
 */
import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import type { IndexingResponse, LiveSnapshot } from '@streamrp2p/protocol/api-schemas';
import { manualClock, startCoordinator, type Api } from './api.js';
import { describeWithDatabases, type TestDatabase } from './databases.js';
import {
  createSession,
  createStream,
  createStreamer,
  receiptBody,
  receiptFor,
  seedSegment,
  signBatch,
  type TestSession,
} from './fixtures.js';

const MINUTE = 60_000;

/** Three viewers of one stream; A and B served the receiver 70 kB and 20 kB, 30 kB came by HTTP. */
async function dataset(t: TestDatabase) {
  const clock = manualClock(Math.floor(Date.now() / MINUTE) * MINUTE + 5_000);
  const { api, coordinator } = await startCoordinator(t, {
    indexerEnabled: false,
    clock: clock.now,
  });
  const db = coordinator.db;
  const streamer = await createStreamer(api);
  const other = await createStreamer(api);
  const stream = await createStream(api, streamer.apiKey);
  const [a, b, receiver] = await Promise.all(
    [1, 2, 3].map(() => createSession(api, stream.streamId)),
  );
  await db
    .insertInto('renditions')
    .values(
      ['live_240p_index', 'live_360p_index'].map((rendition) => ({
        stream_id: stream.streamId,
        rendition,
        playlist_url: `http://127.0.0.1:9/live/${rendition}.m3u8`,
        discovered_at: new Date(clock.now()),
      })),
    )
    .execute();
  const segments = await Promise.all(
    [40_000, 30_000, 20_000].map((byteLength, i) =>
      seedSegment(db, stream.streamId, i + 1, { byteLength, indexedAt: new Date(clock.now()) }),
    ),
  );
  const receipts = [a!, a!, b!].map((uploader, i) =>
    receiptBody({
      ...receiptFor(uploader, segments[i]!, stream.streamId),
      timestamp: clock.now(),
    }),
  );
  const usage = {
    seconds: 30,
    httpBytes: 30_000,
    httpSegments: 1,
    p2pBytes: 90_000,
    p2pSegments: 3,
  };
  const posted = await api.post(
    '/api/receipts',
    { ...(await signBatch(receiver!, receipts)), usage },
    { token: receiver!.sessionSecret },
  );
  expect(posted.body.credited).toBe(3);
  return { api, coordinator, clock, streamer, other, stream, receiver: receiver! };
}

async function postUsage(api: Api, session: TestSession, usage: Record<string, number>) {
  const res = await api.post(
    '/api/receipts',
    { ...(await signBatch(session, [])), usage },
    { token: session.sessionSecret },
  );
  expect(res.status).toBe(200);
}

/** The first `event: live` of the route's event stream. */
async function firstLiveEvent(url: string, token: string): Promise<LiveSnapshot> {
  const controller = new AbortController();
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the event stream ended: ${text}`);
      text += value;
      const match = /event: live\ndata: (.*)\n\n/.exec(text);
      if (match !== null) return JSON.parse(match[1]!) as LiveSnapshot;
    }
  } finally {
    controller.abort();
  }
}

describeWithDatabases('studio routes', (t) => {
  it("lists the streamer's streams, to the streamer only", async () => {
    const { api, streamer, other, stream } = await dataset(t);
    const path = `/api/streamers/${streamer.streamerId}/streams`;
    const mine = await api.get(path, { token: streamer.apiKey });
    expect(mine.status).toBe(200);
    expect(mine.body.streams.map((s: { streamId: string }) => s.streamId)).toEqual([
      stream.streamId,
    ]);
    expect(mine.body.streams[0].renditions).toEqual(['live_240p_index', 'live_360p_index']);
    expect((await api.get(path, { token: other.apiKey })).status).toBe(403);
    expect((await api.get(path)).status).toBe(401);
  });

  it('shows the indexing progress per rendition, to the owner only', async () => {
    const { api, streamer, other, stream } = await dataset(t);
    const path = `/api/streams/${stream.streamId}/indexing`;
    const res = await api.get<IndexingResponse>(path, { token: streamer.apiKey });
    expect(res.status).toBe(200);
    expect(res.body.following).toBe(false);
    expect(res.body.lastError).toBeNull();
    expect(res.body.segmentsIndexed).toBe(3);
    expect(res.body.renditions.map((r) => [r.rendition, r.segments, r.lastSequence])).toEqual([
      ['live_240p_index', 3, 3],
      ['live_360p_index', 0, null],
    ]);
    expect((await api.get(path, { token: other.apiKey })).status).toBe(403);
    expect((await api.get('/api/streams/nope/indexing', { token: streamer.apiKey })).status).toBe(
      404,
    );
  });

  it("shows the indexer's latest failure to read the stream", async () => {
    const { api } = await startCoordinator(t);
    const streamer = await createStreamer(api);
    // Nothing listens on port 9: every playlist read fails.
    const stream = await createStream(api, streamer.apiKey);
    const path = `/api/streams/${stream.streamId}/indexing`;
    let status: IndexingResponse | undefined;
    for (let i = 0; i < 100 && !status?.lastError; i++) {
      status = (await api.get<IndexingResponse>(path, { token: streamer.apiKey })).body;
      if (!status.lastError) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status?.following).toBe(true);
    expect(status?.lastError?.message).toContain('playlist http://127.0.0.1:9/live/master.m3u8');
    expect(status?.segmentsIndexed).toBe(0);
  });

  it('answers live figures from the tables, with the alerts that hold', async () => {
    const { api, coordinator, clock, streamer, other, stream, receiver } = await dataset(t);
    const path = `/api/streams/${stream.streamId}/live?format=json`;
    const live = await api.get<LiveSnapshot>(path, { token: streamer.apiKey });
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({
      viewers: 3,
      supporters: 2,
      p2pBytes: 90_000,
      cdnBytes: 30_000,
      p2pShare: 0.75,
      stalls: 0,
      savedBytes24h: 90_000,
      alerts: [],
    });
    expect(live.body.windowSeconds).toBe(65);
    expect((await api.get(path, { token: other.apiKey })).status).toBe(403);

    // Most bytes now come from the CDN and players stall: both alerts.
    await postUsage(api, receiver, {
      seconds: 30,
      httpBytes: 400_000,
      httpSegments: 8,
      p2pBytes: 0,
      p2pSegments: 0,
      stalls: 10,
    });
    const alerting = await api.get<LiveSnapshot>(path, { token: streamer.apiKey });
    expect(alerting.body.p2pShare).toBeCloseTo(90_000 / 520_000, 6);
    expect(alerting.body.alerts.map((a) => [a.code, a.severity])).toEqual([
      ['P2P_SHARE_LOW', 'warning'],
      ['STALLS_HIGH', 'critical'],
    ]);

    // Two minutes on, the window holds nothing; the day's savings come from the metrics series.
    clock.advance(2 * MINUTE);
    await coordinator.rollUpMetrics();
    const later = await api.get<LiveSnapshot>(path, { token: streamer.apiKey });
    expect(later.body).toMatchObject({ p2pBytes: 0, cdnBytes: 0, p2pShare: null, alerts: [] });
    expect(later.body.savedBytes24h).toBe(90_000);
  });

  it('pushes the live figures as server-sent events', async () => {
    const { api, streamer, stream } = await dataset(t);
    const event = await firstLiveEvent(
      `${api.url}/api/streams/${stream.streamId}/live`,
      streamer.apiKey,
    );
    expect(event).toMatchObject({ streamId: stream.streamId, viewers: 3, supporters: 2 });
  });

  it('exports the figures as per-stream gauges, and every metric docs/alerts.yml uses exists', async () => {
    const { api, stream } = await dataset(t);
    const metrics = (await api.get('/metrics')).body as string;
    expect(metrics).toContain(
      `streamrp2p_coordinator_stream_p2p_share{stream="${stream.streamId}"} 0.75`,
    );
    expect(metrics).toContain(
      `streamrp2p_coordinator_stream_viewers{stream="${stream.streamId}"} 3`,
    );
    const rules = await readFile(new URL('../../../docs/alerts.yml', import.meta.url), 'utf8');
    const used = new Set(rules.match(/streamrp2p_[a-z0-9_]+/g));
    expect(used.size).toBeGreaterThan(3);
    for (const name of used) expect(metrics, name).toContain(`# HELP ${name} `);
  });
});
