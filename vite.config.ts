/**
 * Builds the player SDK for browsers (run from packages/player-sdk by its `build` script):
 * - `SDK_BUNDLE=embed` (default): `streamrp2p.iife.js`, the script-tag embed with hls.js inside;
 *   it mounts players from `data-streamrp2p-*` attributes and exposes `window.StreamrP2P`.
 * - `SDK_BUNDLE=esm`: `streamrp2p.esm.js`, one ES module without hls.js (a peer dependency),
 *   for pages that load their own hls.js; also the figure the bundle-size budget watches.
 * The npm package's per-file ESM build and type declarations come from `tsc`.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const require = createRequire(import.meta.url);
const sdkDir = fileURLToPath(new URL('./packages/player-sdk/', import.meta.url));
const bundle = process.env.SDK_BUNDLE === 'esm' ? 'esm' : 'embed';

export default defineConfig({
  root: sdkDir,
  resolve: {
    conditions: ['@streamrp2p/source', 'module', 'browser', 'production'],
    alias: {
      // The embed carries hls.js' UMD build: only that one holds the transmuxer worker it
      // injects (its ES module build has none and would transmux on the main thread, unlike the
      // plain hls.js a site would otherwise load).
      ...(bundle === 'embed' ? { 'hls.js': require.resolve('hls.js/dist/hls.min.js') } : {}),
      // simple-peer's own browser build carries the Node globals it needs (Buffer, streams),
      // which a plain bundle of its source would lack; measured at about 28 KB gzipped.
      'simple-peer': require.resolve('simple-peer/simplepeer.min.js'),
    },
  },
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: 'dist/browser',
    emptyOutDir: bundle === 'embed',
    sourcemap: true,
    target: 'es2020',
    minify: true,
    lib:
      bundle === 'embed'
        ? {
            entry: 'src/player/embed.ts',
            formats: ['iife'],
            name: 'StreamrP2P',
            fileName: () => 'streamrp2p.iife.js',
          }
        : { entry: 'src/index.ts', formats: ['es'], fileName: () => 'streamrp2p.esm.js' },
    rollupOptions: bundle === 'esm' ? { external: ['hls.js'] } : {},
  },
  logLevel: 'warn',
});
