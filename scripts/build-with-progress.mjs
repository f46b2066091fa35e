#!/usr/bin/env node
// `npm start`'s build step: turbo's build with a line per package as it starts (cached or
// building) and the elapsed time, instead of a silent minute on a first run. On a failure it
// runs the build again showing only the failing packages' errors (the rest come from cache).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const started = Date.now();
const seconds = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const turbo = (outputLogs) =>
  spawn('npx', ['turbo', 'run', 'build', `--output-logs=${outputLogs}`], {
    stdio: outputLogs === 'hash-only' ? ['ignore', 'pipe', 'inherit'] : 'inherit',
  });

console.log('Building StreamrP2P (a first run takes about a minute; later runs come from cache)…');
const build = turbo('hash-only');
for await (const line of createInterface({ input: build.stdout })) {
  const match = /^(@streamrp2p\/[\w-]+):build: (cache hit|cache miss)/.exec(line);
  if (match === null) continue;
  const what = match[2] === 'cache hit' ? 'up to date' : 'building';
  console.log(`  [${seconds()}] ${match[1]} ${what}`);
}
const code = await new Promise((resolve) => build.on('close', resolve));
if (code !== 0) {
  console.error(`The build failed after ${seconds()}; its errors:`);
  const again = turbo('errors-only');
  process.exit(await new Promise((resolve) => again.on('close', resolve)));
}
console.log(`Built in ${seconds()}.`);
