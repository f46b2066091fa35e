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
      // Two lanes of heavy files, each one file at a time: the Node integration files (servers,
      // databases, WebRTC in Node) and the browser files, which mostly wait on media and peers.
      // Vitest 4 puts every one-worker project in one sequential group, so `npm test` runs the
      // browser lane in a second vitest process beside the first (scripts/test-lanes.mjs): one
      // lane of both kinds took the sum of their times on a 2-core machine. The whole-system Node
      // files at the top of test/ (the adversary simulation, economics end to end, the packed
      // tarballs: about 130 s) run in the browser lane's process as project `e2e`, so that the
      // two lanes (about 1000 and 550 s before) end closer together.
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
