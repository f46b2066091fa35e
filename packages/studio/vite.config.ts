/**
 * Builds the studio into `dist/`, served by the coordinator at `/studio/`. `npm run dev` serves
 * it with hot reload and proxies `/api` to a running coordinator (COORDINATOR_URL, default
 * http://127.0.0.1:8091), so the session cookie stays same-origin.
 */
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const coordinator = process.env.COORDINATOR_URL ?? 'http://127.0.0.1:8091';

export default defineConfig({
  base: '/studio/',
  plugins: [preact()],
  resolve: { conditions: ['@streamrp2p/source'] },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
  server: {
    proxy: {
      // The coordinator checks Origin on changes: present the request as its own.
      '/api': { target: coordinator, changeOrigin: true, headers: { origin: coordinator } },
    },
  },
});
