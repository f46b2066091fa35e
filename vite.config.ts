/**
 * Builds the player SDK for browsers (run from packages/player-sdk by its `build` script):
 * - `SDK_BUNDLE=embed` (default): `streamrp2p.iife.js`, the script-tag embed with hls.js inside;
 *   it mounts players from `data-streamrp2p-*` attributes and exposes `window.StreamrP2P`. Beside
 *   it, `hls.worker-<version>.js`: hls.js' own worker build, which the embed's players run as
 *   their transmuxing worker (decision 58).
 * - `SDK_BUNDLE=embed-p2p`: `streamrp2p-p2p.iife.js`, the embed's second file: P2P, the
 *   coordinator client and the panels, which the embed's players load after their first frame
 *   (decision 60); it sets `window.StreamrP2PParts`.
 * - `SDK_BUNDLE=esm`: `streamrp2p.esm.js`, the root entry as one ES module without hls.js (a
 *   peer dependency), for pages that load their own hls.js.
 * - `SDK_BUNDLE=p2p`: `streamrp2p-p2p.esm.js`, the P2P core (`./p2p`) as a page's bundler makes
 *   it: what is imported on demand (the coordinator client) goes to chunks of its own.
 * Each writes `.vite/<bundle>-manifest.json`, from which scripts/bundle-size.mjs tells an entry's
 * own code from its lazy chunks and checks them against bundle-budget.json.
 * The npm package's per-file ESM build and type declarations come from `tsc`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { PARTS_GLOBAL, PARTS_SCRIPT } from './packages/player-sdk/src/player/parts-script.js';
import { hlsWorkerFileName } from './packages/player-sdk/src/player/worker-script.js';

const require = createRequire(import.meta.url);
const sdkDir = fileURLToPath(new URL('./packages/player-sdk/', import.meta.url));
const bundles = {
  embed: {
    entry: 'src/player/embed.ts',
    formats: ['iife'],
    name: 'StreamrP2P',
    fileName: () => 'streamrp2p.iife.js',
  },
  // The embed's second file, loaded by its players after their first frame (decision 60).
  'embed-p2p': {
    entry: 'src/player/embed-parts.ts',
    formats: ['iife'],
    name: PARTS_GLOBAL,
    fileName: () => PARTS_SCRIPT,
  },
  esm: { entry: 'src/index.ts', formats: ['es'], fileName: () => 'streamrp2p.esm.js' },
  p2p: { entry: 'src/p2p/index.ts', formats: ['es'], fileName: () => 'streamrp2p-p2p.esm.js' },
} as const;
const requested = process.env.SDK_BUNDLE ?? 'embed';
if (!(requested in bundles)) throw new Error(`SDK_BUNDLE must be one of ${Object.keys(bundles)}`);
const bundle = requested as keyof typeof bundles;

/**
 * Emits hls.js' worker build as `hls.worker-<version>.js` (`hlsWorkerFileName`, the name the
 * embed asks for with `Hls.version`; a new hls.js is a new file, never a stale cached one),
 * without its source map comment (the map is not shipped).
 */
function hlsWorkerFile(): Plugin {
  return {
    name: 'streamrp2p:hls-worker',
    generateBundle() {
      const { version } = require('hls.js/package.json') as { version: string };
      const source = readFileSync(require.resolve('hls.js/dist/hls.worker.js'), 'utf8');
      this.emitFile({
        type: 'asset',
        fileName: hlsWorkerFileName(version),
        source: source.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'),
      });
    },
  };
}

export default defineConfig({
  root: sdkDir,
  resolve: {
    conditions: ['@streamrp2p/source', 'module', 'browser', 'production'],
    alias: {
      // The embed carries hls.js' UMD build: only that one holds the transmuxer worker it
      // injects (its ES module build has none and would transmux on the main thread, unlike the
      // plain hls.js a site would otherwise load).
      ...(bundle === 'embed' ? { 'hls.js': require.resolve('hls.js/dist/hls.min.js') } : {}),
    },
  },
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  plugins: bundle === 'embed' ? [hlsWorkerFile()] : [],
  build: {
    outDir: 'dist/browser',
    emptyOutDir: bundle === 'embed',
    sourcemap: true,
    target: 'es2020',
    minify: true,
    manifest: `.vite/${bundle}-manifest.json`,
    lib: { ...bundles[bundle], formats: [...bundles[bundle].formats] },
    rollupOptions:
      bundle === 'embed' || bundle === 'embed-p2p'
        ? {}
        : {
            external: ['hls.js'],
            // What the entry and a lazy chunk share stays in the entry, as an app's bundler
            // does, rather than in a third file every page loads.
            preserveEntrySignatures: 'allow-extension',
            onwarn(warning, warn) {
              // The root entry exports the coordinator client, so there the link's on-demand
              // import of it cannot split it off; in the P2P core it must.
              if (bundle === 'esm' && warning.code === 'INEFFECTIVE_DYNAMIC_IMPORT') return;
              warn(warning);
            },
          },
  },
  logLevel: 'warn',
});
