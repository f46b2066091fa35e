#!/usr/bin/env node
// Prints the gzip size of the SDK's browser bundles and writes them to bench/results/bundle-size.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const files = {
  'streamrp2p.iife.js (embed, with hls.js)': 'packages/player-sdk/dist/browser/streamrp2p.iife.js',
  'streamrp2p.esm.js (without hls.js)': 'packages/player-sdk/dist/browser/streamrp2p.esm.js',
};
const results = {};
for (const [label, file] of Object.entries(files)) {
  const bytes = readFileSync(join(root, file));
  results[label] = { file, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
  const { gzipBytes } = results[label];
  console.log(
    `${label.padEnd(42)} ${(bytes.length / 1024).toFixed(1).padStart(7)} KiB  gzip ${(gzipBytes / 1024).toFixed(1).padStart(6)} KiB`,
  );
}
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(
  join(root, 'bench/results/bundle-size.json'),
  JSON.stringify({ measuredAt: new Date().toISOString(), results }, null, 2),
);
