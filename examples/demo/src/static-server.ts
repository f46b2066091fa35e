import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** A URL prefix served from a folder, or a single URL served from one file. */
export interface StaticMount {
  /** URL path: a prefix ending in `/` for a folder, or an exact path for a file. */
  path: string;
  /** Absolute folder or file on disk. */
  target: string;
}

/** A URL answered by a function instead of a file (for example a generated config script). */
export interface DynamicRoute {
  contentType: string;
  body: () => string;
}

/** A running static file server. */
export interface StaticServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

function resolveFile(mounts: StaticMount[], urlPath: string): string | undefined {
  for (const mount of mounts) {
    if (!mount.path.endsWith('/')) {
      if (urlPath === mount.path) return mount.target;
      continue;
    }
    if (!urlPath.startsWith(mount.path)) continue;
    let rest = urlPath.slice(mount.path.length);
    if (rest === '' || rest.endsWith('/')) rest += 'index.html';
    const file = normalize(join(mount.target, rest));
    // Never serve outside the mounted folder, whatever `..` the URL holds.
    if (file.startsWith(mount.target + sep) || file === mount.target) return file;
    return undefined;
  }
  return undefined;
}

async function handle(
  mounts: StaticMount[],
  routes: Record<string, DynamicRoute>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const route = routes[urlPath];
  if (route) {
    const body = route.body();
    res.writeHead(200, { 'Content-Type': route.contentType, 'Cache-Control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  const file = resolveFile(mounts, urlPath);
  const info = file ? await stat(file).catch(() => undefined) : undefined;
  if (!file || !info?.isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    return;
  }
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Cache-Control': 'no-cache',
    'Access-Control-Allow-Origin': '*',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
}

/**
 * Serves the demo pages and the browser bundles they load.
 *
 * @example
 * const site = await startStaticServer([{ path: '/', target: publicDir }], { port: 0 });
 */
export async function startStaticServer(
  mounts: StaticMount[],
  options: { port?: number; host?: string; routes?: Record<string, DynamicRoute> } = {},
): Promise<StaticServer> {
  const routes = options.routes ?? {};
  const server: Server = createServer((req, res) => {
    handle(mounts, routes, req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`internal error: ${String(error)}\n`);
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
