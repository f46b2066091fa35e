import { startLiveOrigin, type LiveOrigin } from '@streamrp2p/live-origin';
import { bytesToHex, merkleRoot, renditionId } from '@streamrp2p/protocol';
import { afterEach, expect, it } from 'vitest';
import type { Api } from './api.js';
import { startCoordinator } from './api.js';
import { startByteRangeOrigin } from './byte-range-origin.js';
import { describeWithDatabases } from './databases.js';
import { createStream, createStreamer } from './fixtures.js';

const origins: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(origins.splice(0).map((o) => o.close()));
});

async function origin(options: Parameters<typeof startLiveOrigin>[0] = {}): Promise<LiveOrigin> {
  const started = await startLiveOrigin(options);
  origins.push(started);
  return started;
}

async function byteRangeOrigin(opts: Parameters<typeof startByteRangeOrigin>[0]) {
  const started = await startByteRangeOrigin(opts);
  origins.push(started);
  return started;
}

/** Sequences and URLs of a media playlist, fetched directly. */
async function playlistSegments(url: string): Promise<Array<{ sequence: number; url: string }>> {
  const text = await (await fetch(url)).text();
  const lines = text.split('\n').map((l) => l.trim());
  const first = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? 0);
  return lines
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((uri, i) => ({ sequence: first + i, url: new URL(uri, url).href }));
}

async function directRoot(url: string): Promise<{ root: string; byteLength: number }> {
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  return { root: bytesToHex(await merkleRoot(bytes)), byteLength: bytes.length };
}

async function roots(api: Api, streamId: string, rendition: string, from: number, to: number) {
  const res = await api.get(
    `/api/streams/${streamId}/roots?rendition=${rendition}&from=${from}&to=${to}`,
  );
  expect(res.status).toBe(200);
  return res.body.roots as Array<{ sequence: number; root: string; byteLength: number }>;
}

describeWithDatabases('segment indexer', (t) => {
  it('indexes every live rendition with roots equal to merkleRoot of the bytes, and keeps up', async () => {
    let originNow = Date.now();
    const live = await origin({ windowSegments: 4, now: () => originNow });
    const { api } = await startCoordinator(t, { indexerPollMs: 100 });
    const { apiKey } = await createStreamer(api);
    const stream = await createStream(api, apiKey, live.liveMasterUrl());
    const ids = ['240p', '360p'].map((r) => renditionId(`${live.url}/live/${r}/index.m3u8`));
    expect(ids).toEqual(['live_240p_index', 'live_360p_index']);
    await expect
      .poll(async () => (await api.get(`/api/streams/${stream.streamId}`)).body.renditions, {
        timeout: 10_000,
      })
      .toEqual(ids);

    const check = async () => {
      for (const r of ['240p', '360p']) {
        const segments = await playlistSegments(`${live.url}/live/${r}/index.m3u8`);
        const from = segments[0]!.sequence;
        const to = segments.at(-1)!.sequence;
        const id = `live_${r}_index`;
        await expect
          .poll(async () => (await roots(api, stream.streamId, id, from, to)).length, {
            timeout: 15_000,
          })
          .toBe(segments.length);
        const stored = await roots(api, stream.streamId, id, from, to);
        for (const [i, segment] of segments.entries()) {
          expect(stored[i]).toEqual({
            sequence: segment.sequence,
            ...(await directRoot(segment.url)),
          });
        }
      }
      return (await playlistSegments(`${live.url}/live/240p/index.m3u8`)).at(-1)!.sequence;
    };
    const firstLast = await check();
    // The live window moves on by 10 s = 5 segments: the indexer follows.
    originNow += 10_000;
    const secondLast = await check();
    expect(secondLast).toBe(firstLast + 5);
  });

  it('retries after injected 503s and truncated bodies and never stores a bad root', async () => {
    const live = await origin({ windowSegments: 4 });
    live.injectFailures({ kind: '503', count: 3, match: '240p/seq-' });
    live.injectFailures({ kind: 'truncate', count: 3, match: '360p/seq-' });
    const { api, coordinator } = await startCoordinator(t, {
      indexerPollMs: 100,
      indexerAttempts: 2,
    });
    const { apiKey } = await createStreamer(api);
    const stream = await createStream(api, apiKey, live.liveMasterUrl());
    await expect.poll(() => live.control().pendingFailures, { timeout: 15_000 }).toBe(0);
    for (const r of ['240p', '360p']) {
      const segments = await playlistSegments(`${live.url}/live/${r}/index.m3u8`);
      const from = segments[0]!.sequence;
      const to = segments.at(-1)!.sequence;
      await expect
        .poll(async () => (await roots(api, stream.streamId, `live_${r}_index`, from, to)).length, {
          timeout: 15_000,
        })
        .toBe(segments.length);
    }
    // Every stored root, not only the window's, must be the root of the complete segment.
    const all = await coordinator.db
      .selectFrom('segment_roots')
      .selectAll()
      .where('stream_id', '=', stream.streamId)
      .execute();
    for (const row of all) {
      const rendition = row.rendition.split('_')[1]!;
      expect({ root: row.root, byteLength: row.byte_length }).toEqual(
        await directRoot(`${live.url}/live/${rendition}/seq-${row.sequence}.ts`),
      );
    }
    const metrics = (await api.get('/metrics')).body as string;
    expect(metrics).toMatch(/indexer_fetch_errors_total\{kind="segment"\} [1-9]/);
  });

  it('indexes a VOD stream once, then stops polling; the roots endpoint caches complete ranges only', async () => {
    const vod = await origin();
    const { api } = await startCoordinator(t, { indexerPollMs: 100 });
    const { apiKey } = await createStreamer(api);
    const stream = await createStream(api, apiKey, vod.vodMasterUrl('indexer'));
    const id = 'vod_240p_index';
    await expect
      .poll(async () => (await roots(api, stream.streamId, id, 0, 499)).length, { timeout: 20_000 })
      .toBe(20);
    await expect
      .poll(async () => (await roots(api, stream.streamId, 'vod_360p_index', 0, 499)).length, {
        timeout: 20_000,
      })
      .toBe(20);
    const settled = vod.stats().clients.indexer!;
    await new Promise((resolve) => setTimeout(resolve, 600));
    const later = vod.stats().clients.indexer!;
    expect(later.requests).toBe(settled.requests);
    expect(later.segmentRequests).toBe(40);
    const seg3 = await directRoot(`${vod.url}/vod/240p/seg3.ts`);
    expect((await roots(api, stream.streamId, id, 3, 3))[0]).toEqual({ sequence: 3, ...seg3 });

    const complete = await api.get(
      `/api/streams/${stream.streamId}/roots?rendition=${id}&from=0&to=19`,
    );
    expect(complete.headers.get('cache-control')).toMatch(/public, max-age=\d+/);
    const partial = await api.get(
      `/api/streams/${stream.streamId}/roots?rendition=${id}&from=10&to=30`,
    );
    expect(partial.body.roots).toHaveLength(10);
    expect(partial.headers.get('cache-control')).toBe('no-cache');
    for (const query of [
      'rendition=x&from=5&to=4',
      'rendition=x&from=0&to=500',
      'from=0&to=1',
      'rendition=x&from=a&to=1',
      'rendition=x&from=-1&to=1',
      'rendition=x&from=0&to=1&to=2',
    ]) {
      const res = await api.get(`/api/streams/${stream.streamId}/roots?${query}`);
      expect([query, res.status, res.body.error?.code]).toEqual([query, 400, 'VALIDATION_ERROR']);
    }
    expect(
      (await api.get(`/api/streams/${stream.streamId}/roots?rendition=${id}&from=0&to=499`)).status,
    ).toBe(200);
    expect((await api.get(`/api/streams/nope/roots?rendition=${id}&from=0&to=1`)).status).toBe(404);
  });

  it('indexes byte-range segments of one file each by its own sequence over exactly its range, and never fetches an init section', async () => {
    const honouring = await byteRangeOrigin({ honourRange: true });
    const ignoring = await byteRangeOrigin({ honourRange: false });
    const { api } = await startCoordinator(t, { indexerPollMs: 100 });
    const { apiKey } = await createStreamer(api);
    for (const vod of [honouring, ignoring]) {
      const stream = await createStream(api, apiKey, vod.playlistUrl);
      const id = renditionId(vod.playlistUrl);
      await expect
        .poll(async () => (await roots(api, stream.streamId, id, 0, 3)).length, {
          timeout: 15_000,
        })
        .toBe(4);
      const expected = await Promise.all(
        vod.segments.map(async (bytes, sequence) => ({
          sequence,
          root: bytesToHex(await merkleRoot(bytes)),
          byteLength: bytes.length,
        })),
      );
      expect(await roots(api, stream.streamId, id, 0, 3)).toEqual(expected);
      // Each segment once, by its own range; never the init sections (media.mp4 bytes 0-699,
      // init2.mp4). Both origins are asked the same: one that ignores Range gets it too.
      const segmentRequests = vod.requests
        .filter((r) => r.path !== '/vod/index.m3u8')
        .map((r) => `${r.path} ${r.range ?? 'whole'}`)
        .sort();
      expect(segmentRequests).toEqual([
        '/vod/media.mp4 bytes=40700-60699',
        '/vod/media.mp4 bytes=60700-93699',
        '/vod/media.mp4 bytes=700-40699',
        '/vod/tail.m4s whole',
      ]);
    }
  });

  it('treats a media playlist URL as the only rendition, and stops following a deleted stream', async () => {
    const live = await origin({ windowSegments: 3 });
    const { api, coordinator } = await startCoordinator(t, { indexerPollMs: 100 });
    const { apiKey } = await createStreamer(api);
    const stream = await createStream(
      api,
      apiKey,
      `${live.url}/live/360p/index.m3u8?client=media-only`,
    );
    await expect
      .poll(async () => (await api.get(`/api/streams/${stream.streamId}`)).body.renditions, {
        timeout: 10_000,
      })
      .toEqual(['live_360p_index']);
    expect(coordinator.indexer.followedStreams).toContain(stream.streamId);
    expect((await api.delete(`/api/streams/${stream.streamId}`, { token: apiKey })).status).toBe(
      204,
    );
    expect(coordinator.indexer.followedStreams).not.toContain(stream.streamId);
    // A request sent just before the abort may reach the origin (same process) a moment later.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const before = live.stats().clients['media-only']!.requests;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(live.stats().clients['media-only']!.requests).toBe(before);
  });

  it('resumes following registered streams after a restart', async () => {
    const live = await origin({ windowSegments: 3 });
    const first = await startCoordinator(t, { indexerPollMs: 100 });
    const { apiKey } = await createStreamer(first.api);
    const stream = await createStream(first.api, apiKey, live.liveMasterUrl());
    await first.coordinator.close();
    const second = await startCoordinator(t, { indexerPollMs: 100 });
    expect(second.coordinator.indexer.followedStreams).toContain(stream.streamId);
  });
});
