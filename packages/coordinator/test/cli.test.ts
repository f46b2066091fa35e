import { fileURLToPath } from 'node:url';
import { runPackageCli } from '../../../test/support/cli.js';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Runs this package's command from source. */
const runCli = (args: string[], env: Record<string, string> = {}) =>
  runPackageCli(packageDir, args, { DATABASE_URL: '', ...env });

describe('streamrp2p-coordinator command', () => {
  it('starts on embedded PGlite, prints its URL, serves, warns about the random secret, exits 0 on SIGTERM', async () => {
    const run = runCli(['--port', '0', '--data-dir', 'memory://']);
    await expect
      .poll(() => run.output().stdout, { timeout: 30_000 })
      .toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ \(PGlite/);
    const url = /listening on (\S+)/.exec(run.output().stdout)![1]!;
    expect(run.output().stderr).toMatch(/TRACKER_SECRET is not set.*only valid for this process/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('exits 2 naming a bad variable', async () => {
    const run = runCli([], { SESSION_TTL_SECONDS: 'soon', TRACKER_SECRET: 'short' });
    expect(await run.exited).toBe(2);
    expect(run.output().stderr).toMatch(/SESSION_TTL_SECONDS must be a non-negative integer/);
  });

  it('exits 2 on a bad flag and prints help with --help', async () => {
    const bad = runCli(['--nope']);
    expect(await bad.exited).toBe(2);
    const help = runCli(['--help']);
    expect(await help.exited).toBe(0);
    expect(help.output().stdout).toMatch(/Usage: streamrp2p-coordinator/);
  });
});
