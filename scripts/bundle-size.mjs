#!/usr/bin/env node
// Prints the gzip size of each browser bundle of the SDK (what a page loads up front: the entry
// and the chunks it imports statically) and of its lazy chunks, writes them to
// bench/results/bundle-size.json, and exits 1 when a bundle is above its budget in
// packages/player-sdk/bundle-budget.json: `npm run build`, and so CI, fails then.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sdk = join(root, 'packages/player-sdk');
const outDir = join(sdk, 'dist/browser');
const budget = JSON.parse(readFileSync(join(sdk, 'bundle-budget.json'), 'utf8'));

const kib = (bytes) => `${(bytes / 1024).toFixed(1).padStart(6)} KiB`;

function measure(file) {
  const bytes = readFileSync(join(outDir, file));
  return { file, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
}

/** Vite's manifest key of each chunk reachable from `keys` over `field` (`imports`...). */
function reach(manifest, keys, field, seen = new Set()) {
  for (const key of keys) {
    if (seen.has(key)) continue;
    seen.add(key);
    reach(manifest, manifest[key][field] ?? [], field, seen);
  }
  return seen;
}

const results = {};
const over = [];
for (const [name, { label, maxGzipBytes, forbiddenImports = [] }] of Object.entries(
  budget.bundles,
)) {
  const manifestFile = join(outDir, `.vite/${name}-manifest.json`);
  if (!existsSync(manifestFile))
    throw new Error(`no ${manifestFile}: build with SDK_BUNDLE=${name}`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  const entry = Object.keys(manifest).find((key) => manifest[key].isEntry);
  const initial = reach(manifest, [entry], 'imports');
  const lazy = new Set();
  for (const key of initial) {
    for (const dynamic of manifest[key].dynamicImports ?? []) {
      for (const chunk of reach(manifest, [dynamic], 'imports')) {
        if (!initial.has(chunk)) lazy.add(chunk);
      }
    }
  }
  const files = [...initial].map((key) => measure(manifest[key].file));
  // An external module shows as an import of its bare name; anything in `lazy` counts too.
  for (const key of [...initial, ...lazy]) {
    const code = readFileSync(join(outDir, manifest[key].file), 'utf8');
    for (const module of forbiddenImports) {
      const quoted = `["']${module.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']`;
      if (new RegExp(`(?:from|import)\\s*\\(?\\s*${quoted}`).test(code))
        over.push(`${label}: ${manifest[key].file} imports ${module}`);
    }
  }
  const gzipBytes = files.reduce((sum, file) => sum + file.gzipBytes, 0);
  const bytes = files.reduce((sum, file) => sum + file.bytes, 0);
  const lazyChunks = [...lazy].map((key) => measure(manifest[key].file));
  results[name] = { label, files, bytes, gzipBytes, maxGzipBytes, lazyChunks };
  const verdict = gzipBytes > maxGzipBytes ? 'OVER BUDGET' : 'ok';
  console.log(
    `${label.padEnd(46)} ${kib(bytes)}  gzip ${kib(gzipBytes)}  budget ${kib(maxGzipBytes)}  ${verdict}`,
  );
  for (const chunk of lazyChunks) {
    console.log(
      `  lazy ${chunk.file.padEnd(39)} ${kib(chunk.bytes)}  gzip ${kib(chunk.gzipBytes)}`,
    );
  }
  if (gzipBytes > maxGzipBytes) over.push(`${label}: ${gzipBytes} B gzipped > ${maxGzipBytes} B`);
}
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(
  join(root, 'bench/results/bundle-size.json'),
  JSON.stringify({ measuredAt: new Date().toISOString(), results }, null, 2),
);
if (over.length > 0) {
  console.error(
    `\nBundle budget exceeded or a forbidden import (packages/player-sdk/bundle-budget.json):\n${over.join('\n')}`,
  );
  process.exit(1);
}
