import { fileURLToPath } from 'node:url';
import { runPackageCli } from '../../../test/support/cli.js';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Runs this package's command from source. */
const runCli = (args: string[], env: Record<string, string> = {}) =>
  runPackageCli(packageDir, args, env);

describe('streamrp2p-tracker command', () => {
  it('starts, prints its URL, serves, and exits 0 on SIGTERM', async () => {
    const run = runCli(['--port', '0'], { TRACKER_SECRET: 'cli-secret-0123456789' });
    await expect
      .poll(() => run.output().stdout, { timeout: 15_000 })
      .toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    const url = /listening on (\S+)/.exec(run.output().stdout)![1]!;
    expect(run.output().stdout).toMatch(/token mode/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.output().stdout).toMatch(/SIGTERM, shutting down/);
  });

  it('exits 2 with a clear message on a bad flag', async () => {
    const run = runCli(['--max-peers-per-ip', 'lots']);
    expect(await run.exited).toBe(2);
    expect(run.output().stderr).toMatch(/--max-peers-per-ip must be a whole number, got "lots"/);
  });

  it('prints help', async () => {
    const run = runCli(['--help']);
    expect(await run.exited).toBe(0);
    expect(run.output().stdout).toMatch(/--host <addr> .*0\.0\.0\.0/);
  });
});
