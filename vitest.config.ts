import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * Resolve workspace packages to their TypeScript source, so tests never run stale builds.
 * Only add our condition: vitest hands these to Node for external packages too, and a plain
 * `import` condition there makes CommonJS `require('ws')` pick ws' ESM wrapper.
 */
const conditions = ['@streamrp2p/source', ...defaultServerConditions];

/** The heavy lanes' settings: one file at a time, generous timeouts for servers and browsers. */
const ONE_FILE_AT_A_TIME = {
  environment: 'node',
  testTimeout: 120_000,
  hookTimeout: 60_000,
  fileParallelism: false,
} as const;

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
      // lane of both kinds took the sum of their times on a 2-core machine. So that the two lanes
      // end close together (1150 and 820 s in CI on a slow day, 2026-11-30), the browser lane's
      // process also runs project `e2e`: the whole-system Node files at the top of test/ (the
      // adversary simulation, economics end to end, the packed tarballs: about 130 s) and the
      // SDK's and supporter node's Node integration files (engines over WebRTC in Node: about
      // 150 s). `integration` keeps the coordinator's, tracker's and examples' files.
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
          exclude: ['packages/player-sdk/test/**', 'packages/supporter-node/test/**'],
          ...ONE_FILE_AT_A_TIME,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: [
            'test/*.test.ts',
            'packages/player-sdk/test/**/*.test.ts',
            'packages/supporter-node/test/**/*.test.ts',
          ],
          ...ONE_FILE_AT_A_TIME,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          ...ONE_FILE_AT_A_TIME,
        },
      },
    ],
  },
});
