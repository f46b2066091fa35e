import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { httpRequest } from './http-client.js';

// Runs the TypeScript entry point through tsx, so the test needs no build step.
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];

function runCli(args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function collect(stream: NodeJS.ReadableStream | null): () => string {
  let text = '';
  stream?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('streamrp2p-live-origin', () => {
  it('prints the URLs, serves them, and exits 0 on SIGTERM', async () => {
    const child = runCli(['--port', '0', '--window', '3']);
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    const deadline = Date.now() + 30_000;
    while (!/stats:\s+\S+/.test(stdout()) && Date.now() < deadline && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(stderr()).toBe('');
    const live = /live master: (\S+)/.exec(stdout())?.[1] ?? '';
    const vod = /VOD master:\s+(\S+)/.exec(stdout())?.[1] ?? '';
    expect(live).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/live\/master\.m3u8$/);
    expect(vod).toMatch(/\/vod\/master\.m3u8$/);
    expect(stdout()).toMatch(/stats:\s+http:\/\/127\.0\.0\.1:\d+\/stats/);
    const playlist = await httpRequest(live.replace('master.m3u8', '240p/index.m3u8'));
    expect(playlist.status).toBe(200);
    expect(playlist.body.toString().match(/^seq-\d+\.ts$/gm)).toHaveLength(3); // --window 3
    expect((await httpRequest(vod)).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exitCode(child)).toBe(0);
  });

  it('serves the fMP4 fixture as byte ranges, ignoring Range, with the new flags', async () => {
    const child = runCli(['--fixture', 'fmp4', '--byte-ranges', '--ignore-range']);
    const stdout = collect(child.stdout);
    const deadline = Date.now() + 30_000;
    while (!/stats:\s+\S+/.test(stdout()) && Date.now() < deadline && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const base = /listening on (\S+)/.exec(stdout())?.[1] ?? '';
    const playlist = await httpRequest(`${base}/live/720p/index.m3u8`);
    expect(playlist.status).toBe(200);
    expect(playlist.body.toString()).toContain('#EXT-X-MAP:URI="init.mp4"');
    expect(playlist.body.toString()).toMatch(/^#EXT-X-BYTERANGE:\d+@\d+\nstream\.m4s$/m);
    const ranged = await httpRequest(`${base}/live/720p/stream.m4s`, {
      headers: { Range: 'bytes=0-99' },
    });
    expect(ranged.status).toBe(200);
    expect(ranged.body.length).toBeGreaterThan(100);
    const control = await httpRequest(`${base}/control`);
    expect(JSON.parse(control.body.toString())).toMatchObject({ settings: { ignoreRange: true } });
    child.kill('SIGTERM');
    expect(await exitCode(child)).toBe(0);
  });

  it('rejects a bad flag with exit code 2 and the usage', async () => {
    for (const args of [
      ['--failure-rate', '3'],
      ['--bogus'],
      ['--port', 'x'],
      ['--fixture', 'mkv'],
    ]) {
      const child = runCli(args);
      const stderr = collect(child.stderr);
      expect(await exitCode(child), args.join(' ')).toBe(2);
      expect(stderr()).toMatch(/Usage: streamrp2p-live-origin/);
    }
  });

  it('prints help with exit code 0', async () => {
    const child = runCli(['--help']);
    const stdout = collect(child.stdout);
    expect(await exitCode(child)).toBe(0);
    expect(stdout()).toMatch(/--bandwidth-kbps/);
  });

  it('is an executable node script', async () => {
    const source = await readFile(new URL('../src/cli.ts', import.meta.url), 'utf8');
    expect(source.startsWith('#!/usr/bin/env node\n')).toBe(true);
    const manifest = JSON.parse(
      await readFile(new URL('../package.json', import.meta.url), 'utf8'),
    ) as {
      bin: Record<string, string>;
    };
    // npm writes the path without `./` (`npm pkg fix`); either form names the built CLI.
    expect(normalize(manifest.bin['streamrp2p-live-origin'] ?? '')).toBe(normalize('dist/cli.js'));
  });
});
