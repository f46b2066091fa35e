import { defineConfig } from 'vite';

export default defineConfig({
  // Relative asset URLs: the built page works from any folder of any server.
  base: './',
  // hls.js alone is about 400 kB minified; the warning's 500 kB default is meant for app code.
  build: { chunkSizeWarningLimit: 1000 },
});
