/**
 * Serves the studio's built files (`@streamrp2p/studio`'s `dist/`) at `/studio/`, same origin
 * as the API so its session cookie works. Without a build there is nothing to serve, and
 * `/studio/` answers 404 with a hint.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { Router } from 'express';
import { ApiError } from '../errors.js';

/** Where the studio's `dist/` is, if the package is installed and built. */
export function studioDistDir(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const dir = join(dirname(require.resolve('@streamrp2p/studio/package.json')), 'dist');
    return existsSync(join(dir, 'index.html')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

export function studioStatic(dir = studioDistDir()): Router {
  const router = Router();
  // Relative asset URLs need the slash (express would match `/studio` to `/studio/` anyway).
  router.use((req, res, next) => {
    if (req.path === '/studio' && (req.method === 'GET' || req.method === 'HEAD')) {
      res.redirect(301, '/studio/');
    } else next();
  });
  if (dir === undefined) {
    router.use('/studio/', () => {
      throw new ApiError(
        'NOT_FOUND',
        'the studio is not built: run `npm run build` (or `npm run build -w @streamrp2p/studio`)',
      );
    });
    return router;
  }
  router.use(
    '/studio/',
    // Hashed assets never change; index.html must be fetched again to see a new build.
    express.static(dir, {
      index: 'index.html',
      setHeaders(res, path) {
        res.set(
          'Cache-Control',
          path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    }),
  );
  return router;
}
