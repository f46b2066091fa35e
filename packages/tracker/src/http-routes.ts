import type { IncomingMessage, ServerResponse } from 'node:http';
import createDebug from 'debug';
import type { Registry } from 'prom-client';
import type { TrackerStats } from './tracker-stats.js';

const log = createDebug('streamrp2p:tracker:http');

/** What the HTTP routes read from the tracker. */
export interface HttpRouteDeps {
  stats(): Promise<TrackerStats>;
  metrics: Registry;
  isShuttingDown(): boolean;
  corsOrigin: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

function sendJson(res: ServerResponse, status: number, body: unknown, corsOrigin?: string): void {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  };
  if (corsOrigin !== undefined) headers['access-control-allow-origin'] = corsOrigin;
  res.writeHead(status, headers).end(JSON.stringify(body));
}

/**
 * The tracker's HTTP endpoints besides socket.io: `GET /healthz`, `GET /stats`
 * (both CORS-enabled for dashboards) and `GET /metrics` (Prometheus text).
 * socket.io answers its own path before these run.
 */
export function createHttpHandler(
  deps: HttpRouteDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  const routes: Record<string, { cors: boolean; handle: Handler }> = {
    '/healthz': {
      cors: true,
      handle: async (_req, res) => {
        const shuttingDown = deps.isShuttingDown();
        sendJson(
          res,
          shuttingDown ? 503 : 200,
          { status: shuttingDown ? 'shutting-down' : 'ok' },
          deps.corsOrigin,
        );
      },
    },
    '/stats': {
      cors: true,
      handle: async (_req, res) => sendJson(res, 200, await deps.stats(), deps.corsOrigin),
    },
    '/metrics': {
      cors: false,
      handle: async (_req, res) => {
        const body = await deps.metrics.metrics();
        res
          .writeHead(200, { 'content-type': deps.metrics.contentType, 'cache-control': 'no-store' })
          .end(body);
      },
    },
  };

  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://tracker.invalid').pathname;
    const route = routes[path];
    if (route === undefined) {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    if (req.method === 'OPTIONS' && route.cors) {
      res
        .writeHead(204, {
          'access-control-allow-origin': deps.corsOrigin,
          'access-control-allow-methods': 'GET, OPTIONS',
          'access-control-max-age': '86400',
        })
        .end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', route.cors ? 'GET, HEAD, OPTIONS' : 'GET, HEAD');
      sendJson(res, 405, { error: 'method not allowed' });
      return;
    }
    route.handle(req, res).catch((err: unknown) => {
      log('%s failed: %O', path, err);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  };
}
