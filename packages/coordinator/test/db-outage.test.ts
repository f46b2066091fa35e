import { createServer, type AddressInfo } from 'node:net';
import { startLiveOrigin, type LiveOrigin } from '@streamrp2p/live-origin';
import { bytesToHex, merkleRoot, renditionUrls, renditionId } from '@streamrp2p/protocol';
import { afterEach, expect, it } from 'vitest';
import { startCoordinator, type Api } from './api.js';
import { cuttablePGlite, cuttablePostgres, type CuttableDatabase } from './cuttable-database.js';
import { describeWithDatabases } from './databases.js';
import {
  createSession,
  createStream,
  createStreamer,
  receiptBody,
  receiptKeys,
  signBatch,
} from './fixtures.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Expected {
  rendition: string;
  sequence: number;
  root: string;
  byteLength: number;
}

/** The current window of a media playlist: sequence and absolute URL of each segment. */
async function window(url: string): Promise<{ target: number; segments: Expected[] }> {
  const text = await (await fetch(url)).text();
  const first = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? 0);
  const target = Number(/#EXT-X-TARGETDURATION:(\d+)/.exec(text)?.[1] ?? 2);
  const uris = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const segments = [];
  for (const [i, uri] of uris.entries()) {
    const bytes = new Uint8Array(await (await fetch(new URL(uri, url))).arrayBuffer());
    segments.push({
      rendition: renditionId(url),
      sequence: first + i,
      root: bytesToHex(await merkleRoot(bytes)),
      byteLength: bytes.length,
    });
  }
  return { target, segments };
}

async function metric(api: Api, name: string): Promise<number> {
  const text = (await api.get('/metrics')).body as string;
  const match = new RegExp(`^streamrp2p_coordinator_${name} (\\S+)$`, 'm').exec(text);
  return match === null ? 0 : Number(match[1]);
}

describeWithDatabases('database outage', (t) => {
  async function cuttable(): Promise<CuttableDatabase> {
    const db = t.backend === 'postgres' ? await cuttablePostgres(t.url!) : await cuttablePGlite();
    cleanups.push(() => db.close());
    return db;
  }

  it('answers 503 with Retry-After while the database is down, and indexes every segment published meanwhile', async () => {
    let originNow = Date.now();
    const live: LiveOrigin = await startLiveOrigin({ windowSegments: 3, now: () => originNow });
    cleanups.push(() => live.close());
    const outage = await cuttable();
    const { api } = await startCoordinator(t, {
      database: outage.database,
      indexerPollMs: 50,
      indexerRetryBaseMs: 10,
      unavailableRetryAfterSeconds: 7,
      originAllowList: ['127.0.0.1'],
      requireMeetingTickets: false,
    });
    const { apiKey } = await createStreamer(api);
    const stream = await createStream(api, apiKey, live.liveMasterUrl());
    const master = await (await fetch(live.liveMasterUrl())).text();
    const playlists = [...new Set(renditionUrls(master, live.liveMasterUrl()))];
    const uploader = await createSession(api, stream.streamId);
    const receiver = await createSession(api, stream.streamId);

    const stored = async (e: Expected) => {
      const res = await api.get(
        `/api/streams/${stream.streamId}/roots?rendition=${e.rendition}&from=${e.sequence}&to=${e.sequence}`,
      );
      return res.status === 200 ? (res.body.roots as unknown[]) : [];
    };
    // Everything published so far is indexed before the outage.
    const before = (await Promise.all(playlists.map(window))).flatMap((w) => w.segments);
    for (const e of before) await expect.poll(() => stored(e), { timeout: 15_000 }).toHaveLength(1);
    const target = (await window(playlists[0]!)).target;
    const first = before[0]!;
    const batch = await signBatch(receiver, [
      receiptBody({
        uploaderPeerId: uploader.peerId,
        streamId: stream.streamId,
        rendition: first.rendition,
        sequence: first.sequence,
        root: first.root,
        byteLength: first.byteLength,
      }),
    ]);

    outage.cut();
    const down = await api.get('/healthz');
    expect(down.status).toBe(503);
    const posted = await api.post('/api/receipts', batch, { token: receiver.sessionSecret });
    expect([posted.status, posted.body.error?.code]).toEqual([503, 'UNAVAILABLE']);
    expect(posted.headers.get('retry-after')).toBe('7');
    // A burst of posts, as clients keep sending during an outage: 503 each, never a 500.
    const burst = await Promise.all(
      Array.from({ length: 40 }, () =>
        api.post('/api/receipts', batch, { token: receiver.sessionSecret }),
      ),
    );
    expect(new Set(burst.map((r) => r.status))).toEqual(new Set([503]));
    const created = await api.post('/api/sessions', {
      streamId: stream.streamId,
      publicKey: (await receiptKeys()).publicKey,
    });
    expect([created.status, created.headers.get('retry-after')]).toEqual([503, '7']);
    expect((await api.get(`/api/streams/${stream.streamId}`)).status).toBe(503);

    // The live edge moves 3 windows on while the database is down: every new segment leaves
    // the playlist before the database is back.
    const seen = new Set(before.map((e) => `${e.rendition}/${e.sequence}`));
    const during: Expected[] = [];
    for (let step = 0; step < 9; step++) {
      originNow += target * 1000;
      for (const w of await Promise.all(playlists.map(window))) {
        for (const e of w.segments) {
          if (seen.has(`${e.rendition}/${e.sequence}`)) continue;
          seen.add(`${e.rendition}/${e.sequence}`);
          during.push(e);
        }
      }
      // Each is hashed and kept while the database is unreachable.
      await expect
        .poll(() => metric(api, 'indexer_backlog_roots'), { timeout: 15_000 })
        .toBe(during.length);
    }
    expect(during.length).toBeGreaterThanOrEqual(9 * playlists.length);
    expect(await metric(api, 'db_errors_total')).toBeGreaterThanOrEqual(4);
    expect(await metric(api, 'internal_errors_total')).toBe(0);

    outage.restore();
    await expect
      .poll(async () => (await api.get('/healthz')).status, { timeout: 15_000 })
      .toBe(200);
    await expect.poll(() => metric(api, 'indexer_backlog_roots'), { timeout: 15_000 }).toBe(0);
    for (const e of during) {
      expect(await stored(e), `${e.rendition} #${e.sequence}`).toEqual([
        { sequence: e.sequence, root: e.root, byteLength: e.byteLength },
      ]);
    }
    // No gap: every sequence from before the outage to the live edge, once.
    for (const playlist of playlists) {
      const id = renditionId(playlist);
      const sequences = [...before, ...during]
        .filter((e) => e.rendition === id)
        .map((e) => e.sequence);
      const [from, to] = [Math.min(...sequences), Math.max(...sequences)];
      const res = await api.get(
        `/api/streams/${stream.streamId}/roots?rendition=${id}&from=${from}&to=${to}`,
      );
      expect(res.body.roots.map((r: Expected) => r.sequence)).toEqual(
        Array.from({ length: to - from + 1 }, (_, i) => from + i),
      );
    }
    // The refused batch goes through once the database is back, and only once.
    const retried = await api.post('/api/receipts', batch, { token: receiver.sessionSecret });
    expect([retried.status, retried.body.credited]).toEqual([200, 1]);
    const again = await api.post('/api/receipts', batch, { token: receiver.sessionSecret });
    expect([again.status, again.body.credited, again.body.duplicates]).toEqual([200, 0, 1]);
    const summary = await api.get(`/api/sessions/${uploader.sessionId}`, {
      token: uploader.sessionSecret,
    });
    expect(summary.body.creditedBytes).toBe(first.byteLength);
    expect(await metric(api, 'internal_errors_total')).toBe(0);
  });
  it('follows a stream whose origin comes up during the outage, and records its renditions after', async () => {
    // A port with nothing on it yet: the stream's origin starts while the database is down.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const outage = await cuttable();
    const { api } = await startCoordinator(t, {
      database: outage.database,
      indexerPollMs: 50,
      indexerRetryBaseMs: 10,
      originAllowList: ['127.0.0.1'],
    });
    const { apiKey } = await createStreamer(api);
    const hlsUrl = `http://127.0.0.1:${port}/live/master.m3u8`;
    const stream = await createStream(api, apiKey, hlsUrl);

    outage.cut();
    const live = await startLiveOrigin({ port, windowSegments: 3, now: () => 1_800_000_000_000 });
    cleanups.push(() => live.close());
    const playlists = [...new Set(renditionUrls(await (await fetch(hlsUrl)).text(), hlsUrl))];
    const expected = (await Promise.all(playlists.map(window))).flatMap((w) => w.segments);
    await expect
      .poll(() => metric(api, 'indexer_backlog_roots'), { timeout: 20_000 })
      .toBe(expected.length);

    outage.restore();
    await expect
      .poll(async () => (await api.get(`/api/streams/${stream.streamId}`)).body.renditions, {
        timeout: 20_000,
      })
      .toEqual(playlists.map((p) => renditionId(p)).sort());
    await expect.poll(() => metric(api, 'indexer_backlog_roots'), { timeout: 15_000 }).toBe(0);
    for (const e of expected) {
      const res = await api.get(
        `/api/streams/${stream.streamId}/roots?rendition=${e.rendition}&from=${e.sequence}&to=${e.sequence}`,
      );
      expect(res.body.roots).toEqual([
        { sequence: e.sequence, root: e.root, byteLength: e.byteLength },
      ]);
    }
  });
});
