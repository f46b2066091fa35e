import { expect, it } from 'vitest';
import { startCoordinator } from './api.js';
import { describeWithDatabases } from './databases.js';
import { createStream, createStreamer } from './fixtures.js';

describeWithDatabases('streamers and streams', (t) => {
  it('creates a streamer with an API key that is stored only as a hash', async () => {
    const { api, coordinator } = await startCoordinator(t, { indexerEnabled: false });
    const res = await api.post('/api/streamers', { name: 'Alice' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      streamerId: expect.any(String),
      name: 'Alice',
      apiKey: expect.any(String),
    });
    const row = await coordinator.db
      .selectFrom('streamers')
      .selectAll()
      .where('id', '=', res.body.streamerId)
      .executeTakeFirstOrThrow();
    expect(row.api_key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(res.body.apiKey);
  });

  it('registers a stream (Bearer API key) and returns the embed snippet', async () => {
    const { api, url } = await startCoordinator(t, {
      indexerEnabled: false,
      publicSdkUrl: 'https://sdk.example/streamrp2p.iife.js',
      trackerPublicUrl: 'https://tracker.example',
    });
    const { apiKey, streamerId } = await createStreamer(api);
    const res = await api.post(
      '/api/streams',
      { hlsUrl: 'https://cdn.example/live/master.m3u8?a=1&b="2"', title: 'Show' },
      { token: apiKey },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      streamerId,
      title: 'Show',
      renditions: [],
      hlsUrl: 'https://cdn.example/live/master.m3u8?a=1&b=%222%22',
    });
    const snippet: string = res.body.embedSnippet;
    expect(snippet).toContain(`data-streamrp2p-stream="${res.body.streamId}"`);
    expect(snippet).toContain(
      'data-streamrp2p-src="https://cdn.example/live/master.m3u8?a=1&amp;b=%222%22"',
    );
    expect(snippet).toContain('data-streamrp2p-tracker="https://tracker.example"');
    expect(snippet).toContain(`data-streamrp2p-coordinator="${url}"`);
    expect(snippet).toContain(
      '<script src="https://sdk.example/streamrp2p.iife.js" async></script>',
    );
  });

  it('rejects registration without a key (401), with a bad key (401), and non-http URLs (400)', async () => {
    const { api } = await startCoordinator(t, { indexerEnabled: false });
    const { apiKey } = await createStreamer(api);
    expect((await api.post('/api/streams', { hlsUrl: 'https://x.example/a.m3u8' })).status).toBe(
      401,
    );
    const bad = await api.post(
      '/api/streams',
      { hlsUrl: 'https://x.example/a.m3u8' },
      { token: 'nope' },
    );
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('UNAUTHORIZED');
    for (const hlsUrl of ['ftp://x.example/a.m3u8', 'not a url', 'javascript:alert(1)', 42]) {
      const res = await api.post('/api/streams', { hlsUrl }, { token: apiKey });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    }
  });

  it('shows public fields to anyone and the snippet only to the owner', async () => {
    const { api } = await startCoordinator(t, { indexerEnabled: false });
    const owner = await createStreamer(api);
    const other = await createStreamer(api);
    const stream = await createStream(api, owner.apiKey);
    const anonymous = await api.get(`/api/streams/${stream.streamId}`);
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.embedSnippet).toBeUndefined();
    expect(anonymous.body).toMatchObject({ streamId: stream.streamId, hlsUrl: stream.hlsUrl });
    expect(
      (await api.get(`/api/streams/${stream.streamId}`, { token: other.apiKey })).body.embedSnippet,
    ).toBeUndefined();
    expect(
      (await api.get(`/api/streams/${stream.streamId}`, { token: owner.apiKey })).body.embedSnippet,
    ).toContain('<div');
    expect((await api.get('/api/streams/unknown-stream')).status).toBe(404);
  });

  it('lets only the owner PATCH (403 for others) and DELETE', async () => {
    const { api } = await startCoordinator(t, { indexerEnabled: false });
    const owner = await createStreamer(api);
    const other = await createStreamer(api);
    const stream = await createStream(api, owner.apiKey);
    const path = `/api/streams/${stream.streamId}`;
    const forbidden = await api.patch(path, { title: 'mine now' }, { token: other.apiKey });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('FORBIDDEN');
    expect((await api.patch(path, { title: 'x' })).status).toBe(401);
    const ok = await api.patch(
      path,
      { title: 'Renamed', hlsUrl: 'https://cdn2.example/x.m3u8' },
      { token: owner.apiKey },
    );
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ title: 'Renamed', hlsUrl: 'https://cdn2.example/x.m3u8' });
    expect((await api.patch(path, { title: 7 }, { token: owner.apiKey })).status).toBe(400);
    expect((await api.delete(path, { token: other.apiKey })).status).toBe(403);
    expect((await api.delete(path, { token: owner.apiKey })).status).toBe(204);
    expect((await api.get(path)).status).toBe(404);
  });
});
