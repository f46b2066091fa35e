import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * Resolve workspace packages to their TypeScript source, so tests never run stale builds.
 * Only add our condition: vitest hands these to Node for external packages too, and a plain
 * `import` condition there makes CommonJS `require('ws')` pick ws' ESM wrapper.
 */
const conditions = ['@streamrp2p/source', ...defaultServerConditions];

export default defineConfig({
  ssr: { resolve: { conditions } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: [
            'packages/*/test/**/*.test.ts',
            'examples/*/test/**/*.test.ts',
            'test/**/*.test.ts',
          ],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // Browser and WebRTC tests are heavy on a 2-core machine: run files one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
