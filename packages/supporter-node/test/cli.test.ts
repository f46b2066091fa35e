import { fileURLToPath } from 'node:url';
import { runPackageCli } from '../../../test/support/cli.js';
import { startDemoStack, type DemoStack } from '@streamrp2p/demo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Runs this package's command from source. */
const runCli = (args: string[]) => runPackageCli(packageDir, args);

describe('streamrp2p-node command', () => {
  let stack: DemoStack;

  beforeAll(async () => {
    stack = await startDemoStack({ coordinator: false });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('supports a stream, prints a progress line a second, and exits 0 on SIGTERM', async () => {
    const run = runCli([
      '--stream',
      `${stack.origin.url}/live/master.m3u8`,
      '--stream-id',
      'cli-node',
      '--tracker',
      stack.trackerUrl,
      '--max-upload-kbps',
      '2000',
      '--renditions',
      '240p',
    ]);
    try {
      await expect
        .poll(() => run.output().stdout, { timeout: 30_000 })
        .toMatch(/supporting stream cli-node \(live_240p_index\) via http.*upload 2000 kbit\/s/);
      // Progress lines come once a second; a later one has the window downloaded.
      await expect
        .poll(() => run.output().stdout, { timeout: 15_000 })
        .toMatch(/\ds {2}peers 0 {2}down http 0\.[1-9]\d MB .* p2p 0\.00 MB .* {2}up 0\.00 MB/);
      const progressLines = () =>
        run
          .output()
          .stdout.split('\n')
          .filter((line) => / {2}peers /.test(line)).length;
      await expect.poll(progressLines, { timeout: 5000 }).toBeGreaterThan(1);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(run.output().stdout).toMatch(/SIGTERM, leaving the swarms/);
    } finally {
      run.child.kill('SIGKILL');
    }
  }, 60_000);

  it('exits 2 with a clear message on a bad flag', async () => {
    const run = runCli(['--stream', 'http://127.0.0.1:1/master.m3u8', '--max-upload-kbps', 'lots']);
    expect(await run.exited).toBe(2);
    expect(run.output().stderr).toMatch(/--max-upload-kbps must be a positive number, got "lots"/);
  });

  it('exits 2 without --stream', async () => {
    const run = runCli([]);
    expect(await run.exited).toBe(2);
    expect(run.output().stderr).toMatch(/--stream <master.m3u8 URL> is required/);
  });

  it('prints help', async () => {
    const run = runCli(['--help']);
    expect(await run.exited).toBe(0);
    expect(run.output().stdout).toMatch(/--max-upload-kbps <n> +upload cap/);
  });
});
