import { expect, it } from 'vitest';
import { OPENAPI_DOCUMENT } from '../src/index.js';
import { startCoordinator } from './api.js';
import { describeWithDatabases } from './databases.js';
import { createStreamer } from './fixtures.js';

/** Every route express knows, as `METHOD /openapi/{path}`. */
interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

function expressRoutes(app: unknown): string[] {
  const routes: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) {
          routes.push(
            `${method.toUpperCase()} ${String(layer.route.path).replace(/:(\w+)/g, '{$1}')}`,
          );
        }
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as { router: { stack: Layer[] } }).router.stack);
  return routes;
}

describeWithDatabases('http basics', (t) => {
  it('GET /healthz pings the database', async () => {
    const { api } = await startCoordinator(t, { indexerEnabled: false });
    const res = await api.get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /metrics exposes request, receipt, indexer and db counters', async () => {
    const { api } = await startCoordinator(t, { indexerEnabled: false });
    await api.get('/healthz');
    await api.get('/no/such/route');
    const res = await api.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    expect(res.body).toMatch(
      /streamrp2p_coordinator_http_requests_total\{method="GET",route="\/healthz",status="200"\} 1/,
    );
    expect(res.body).toMatch(/route="unmatched",status="404"/);
    for (const name of ['receipts_total', 'indexer_segments_total', 'db_errors_total']) {
      expect(res.body).toContain(`streamrp2p_coordinator_${name}`);
    }
  });

  it('unknown routes answer a JSON 404', async () => {
    const { api } = await startCoordinator(t, { indexerEnabled: false });
    const res = await api.get('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
  });

  it('validation errors are 400 { error: { code, message } } without a stack', async () => {
    const { api } = await startCoordinator(t, { indexerEnabled: false });
    for (const body of [undefined, [], { name: 42 }, { name: '' }, { name: 'x', extra: true }]) {
      const res = await api.post('/api/streamers', body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(Object.keys(res.body)).toEqual(['error']);
      expect(Object.keys(res.body.error).sort()).toEqual(['code', 'message']);
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
    }
    const bad = await api.request('POST', '/api/streamers', { raw: '{"name": ' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_JSON');
  });

  it('bodies over the limit are 413', async () => {
    const { api } = await startCoordinator(t, { indexerEnabled: false, bodyLimitBytes: 2048 });
    const res = await api.post('/api/streamers', { name: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers CORS preflights for any origin with Authorization allowed', async () => {
    const { api } = await startCoordinator(t, { indexerEnabled: false });
    const res = await api.request('OPTIONS', '/api/receipts', {
      headers: {
        origin: 'https://site.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const streamer = await createStreamer(api);
    expect(streamer.apiKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('GET /api/openapi.json describes every express route', async () => {
    const { api, coordinator } = await startCoordinator(t, { indexerEnabled: false });
    const res = await api.get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const documented = Object.entries(res.body.paths as Record<string, object>).flatMap(
      ([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const routes = expressRoutes(coordinator.app);
    expect(routes.length).toBeGreaterThan(15);
    expect(documented.sort()).toEqual([...new Set(routes)].sort());
    // Every referenced schema exists.
    const refs = JSON.stringify(OPENAPI_DOCUMENT).match(/#\/components\/schemas\/\w+/g) ?? [];
    for (const ref of refs)
      expect(res.body.components.schemas).toHaveProperty(ref.split('/').pop()!);
  });
});
