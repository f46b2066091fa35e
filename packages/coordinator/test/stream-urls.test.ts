/**
 * Stream URLs: http(s) only, public addresses only unless allow-listed, checked at registration,
 * at update and again on every indexer connection; redirects re-checked hop by hop; playlist and
 * segment size limits.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { startCoordinator, type Api } from './api.js';
import { describeWithDatabases } from './databases.js';
import { createStreamer } from './fixtures.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections();
      return new Promise((resolve) => s.close(resolve));
    }),
  );
});

/** A VOD media playlist of one segment at `/media.m3u8`, plus extra routes; records paths. */
async function origin(opts: {
  routes?: Record<string, (res: ServerResponse, base: string) => void>;
  segmentBytes?: number;
  playlistPadding?: number;
  /** The loopback address it listens on. @default '127.0.0.1' */
  host?: string;
}) {
  const seen: string[] = [];
  const segment = Buffer.alloc(opts.segmentBytes ?? 20_000, 7);
  let base = '';
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    seen.push(path);
    const route = opts.routes?.[path];
    if (route !== undefined) route(res, base);
    else if (path === '/media.m3u8') {
      const padding = `# ${'x'.repeat(opts.playlistPadding ?? 0)}\n`;
      res.end(
        `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n${padding}` +
          '#EXTINF:2.0,\nseg-0.ts\n#EXT-X-ENDLIST\n',
      );
    } else if (path === '/seg-0.ts') res.end(segment);
    else res.writeHead(404).end();
  });
  servers.push(server);
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://${host}:${port}`;
  return { base, port, seen };
}

const redirectTo = (location: string) => (res: ServerResponse) =>
  res.writeHead(302, { location }).end();

async function register(api: Api, apiKey: string, hlsUrl: unknown) {
  return api.post('/api/streams', { hlsUrl, title: 't' }, { token: apiKey });
}

async function metric(api: Api, pattern: RegExp): Promise<number> {
  const text = (await api.get('/metrics')).body as string;
  return Number(pattern.exec(text)?.[1] ?? 0);
}

describeWithDatabases('stream URLs', (t) => {
  it('refuses URLs whose host is or resolves to non-public space, and non-http schemes', async () => {
    const { api } = await startCoordinator(t, { indexerEnabled: false, originAllowList: [] });
    const { apiKey } = await createStreamer(api);
    for (const hlsUrl of [
      'http://127.0.0.1:8081/live/master.m3u8',
      'https://127.0.0.1/live/master.m3u8',
      'http://localhost:8081/live/master.m3u8',
      'http://LOCALHOST./x.m3u8',
      'http://2130706433/x.m3u8',
      'http://0.0.0.0/x.m3u8',
      'http://10.1.2.3/x.m3u8',
      'http://172.16.0.1/x.m3u8',
      'http://192.168.1.1/x.m3u8',
      'http://169.254.169.254/latest/meta-data/',
      'http://100.64.0.1/x.m3u8',
      'http://224.0.0.1/x.m3u8',
      'http://[::1]/x.m3u8',
      'http://[::]/x.m3u8',
      'http://[fd00::1]/x.m3u8',
      'http://[fe80::1]/x.m3u8',
      'http://[::ffff:127.0.0.1]/x.m3u8',
    ]) {
      const res = await register(api, apiKey, hlsUrl);
      expect({ hlsUrl, status: res.status, code: res.body.error?.code }).toEqual({
        hlsUrl,
        status: 422,
        code: 'URL_NOT_ALLOWED',
      });
    }
    for (const hlsUrl of ['ftp://example.com/x.m3u8', 'file:///etc/passwd', 'gopher://a/b']) {
      const res = await register(api, apiKey, hlsUrl);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    }
    // Public addresses pass; a name that does not resolve (yet) too: every fetch checks again.
    for (const hlsUrl of ['http://93.184.215.14/x.m3u8', 'https://cdn.example/live.m3u8']) {
      expect((await register(api, apiKey, hlsUrl)).status).toBe(201);
    }
    expect(await metric(api, /origin_refusals_total\{where="register"\} (\d+)/)).toBe(17);
  });

  it('refuses an update to a private URL and keeps the stream as it was', async () => {
    const { api } = await startCoordinator(t, { indexerEnabled: false, originAllowList: [] });
    const { apiKey } = await createStreamer(api);
    const created = await register(api, apiKey, 'https://cdn.example/a.m3u8');
    const path = `/api/streams/${created.body.streamId}`;
    const refused = await api.patch(path, { hlsUrl: 'http://10.0.0.5/a.m3u8' }, { token: apiKey });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toMatch(/10\.0\.0\.5 is not a public address/);
    expect((await api.get(path)).body.hlsUrl).toBe('https://cdn.example/a.m3u8');
  });

  it('lets the allow-list name hosts and ranges', async () => {
    const { api } = await startCoordinator(t, {
      indexerEnabled: false,
      originAllowList: ['localhost', '10.8.0.0/16'],
    });
    const { apiKey } = await createStreamer(api);
    expect((await register(api, apiKey, 'http://localhost:8081/a.m3u8')).status).toBe(201);
    expect((await register(api, apiKey, 'http://10.8.3.4/a.m3u8')).status).toBe(201);
    expect((await register(api, apiKey, 'http://10.9.3.4/a.m3u8')).status).toBe(422);
    // The host name is listed, not the address it resolves to.
    expect((await register(api, apiKey, 'http://127.0.0.1:8081/a.m3u8')).status).toBe(422);
  });

  it('indexes through allowed redirects, and never follows one into refused space', async () => {
    const target = await origin({});
    // Another loopback address, not allow-listed: what a redirect must never reach. (Not
    // `localhost`: whether it resolves to ::1 as well as 127.0.0.1 depends on the machine.)
    const unreached = await origin({ host: '127.0.0.2' });
    const hop = await origin({
      routes: {
        '/ok.m3u8': redirectTo(`${target.base}/media.m3u8`),
        '/private.m3u8': redirectTo(`http://10.0.0.1:${unreached.port}/media.m3u8`),
        '/loopback.m3u8': redirectTo(`${unreached.base}/media.m3u8`),
      },
    });
    const { api } = await startCoordinator(t, {
      indexerPollMs: 50,
      originAllowList: ['127.0.0.1'],
    });
    const { apiKey } = await createStreamer(api);
    const ok = await register(api, apiKey, `${hop.base}/ok.m3u8`);
    await expect
      .poll(async () => (await api.get(`/api/streams/${ok.body.streamId}`)).body.renditions, {
        timeout: 10_000,
      })
      .toHaveLength(1);
    await register(api, apiKey, `${hop.base}/private.m3u8`);
    await register(api, apiKey, `${hop.base}/loopback.m3u8`);
    await expect
      .poll(() => metric(api, /origin_refusals_total\{where="fetch"\} (\d+)/), { timeout: 10_000 })
      .toBeGreaterThanOrEqual(2);
    expect(hop.seen.filter((p) => p !== '/ok.m3u8')).toEqual(
      expect.arrayContaining(['/private.m3u8', '/loopback.m3u8']),
    );
    // The refused hops never reached their target.
    expect(unreached.seen).toEqual([]);
  });

  it('checks again at fetch time: a stream registered under a wider allow-list is not fetched after it narrows', async () => {
    const media = await origin({});
    const first = await startCoordinator(t, {
      indexerEnabled: false,
      originAllowList: ['localhost'],
    });
    const { apiKey } = await createStreamer(first.api);
    const stream = await register(first.api, apiKey, `http://localhost:${media.port}/media.m3u8`);
    expect(stream.status).toBe(201);
    await first.coordinator.close();
    // The same stored stream, followed by a coordinator whose policy no longer allows it.
    const second = await startCoordinator(t, { indexerPollMs: 50, originAllowList: [] });
    await expect
      .poll(() => metric(second.api, /origin_refusals_total\{where="fetch"\} (\d+)/), {
        timeout: 10_000,
      })
      .toBeGreaterThanOrEqual(1);
    expect(media.seen).toEqual([]);
  });

  it('refuses a playlist or a segment over its size limit', async () => {
    const bigPlaylist = await origin({ playlistPadding: 10_000 });
    const bigSegment = await origin({ segmentBytes: 50_000 });
    const { api, coordinator } = await startCoordinator(t, {
      indexerPollMs: 50,
      indexerAttempts: 3,
      originMaxPlaylistBytes: 4096,
      originMaxSegmentBytes: 40_000,
    });
    const { apiKey } = await createStreamer(api);
    const a = await register(api, apiKey, `${bigPlaylist.base}/media.m3u8`);
    const b = await register(api, apiKey, `${bigSegment.base}/media.m3u8`);
    await expect.poll(() => bigSegment.seen, { timeout: 10_000 }).toContain('/seg-0.ts');
    await expect
      .poll(() => metric(api, /origin_refusals_total\{where="fetch"\} (\d+)/), { timeout: 10_000 })
      .toBeGreaterThanOrEqual(2);
    expect(bigPlaylist.seen).not.toContain('/seg-0.ts');
    const stored = await coordinator.db
      .selectFrom('segment_roots')
      .select('stream_id')
      .where('stream_id', 'in', [a.body.streamId, b.body.streamId])
      .execute();
    expect(stored).toEqual([]);
  });
});
