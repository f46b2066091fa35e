import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Runs the command from source (tsx), as `node dist/cli.js` would run it after a build. */
function runCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(
    process.execPath,
    ['--conditions=@streamrp2p/source', '--import', 'tsx', 'src/cli.ts', ...args],
    {
      cwd: packageDir,
      env: { ...process.env, DATABASE_URL: '', DEBUG: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

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
