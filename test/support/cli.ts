import { spawn } from 'node:child_process';

/**
 * Runs a package's command from source (tsx, workspace packages resolved to their `src/`), as
 * `node dist/cli.js` would run it after a build, and collects what it prints.
 *
 * @param packageDir the package folder; its `src/cli.ts` is run
 * @param env added to the environment (`DEBUG` is cleared, so logs never pollute the output)
 */
export function runPackageCli(
  packageDir: string,
  args: string[],
  env: Record<string, string> = {},
) {
  const child = spawn(
    process.execPath,
    ['--conditions=@streamrp2p/source', '--import', 'tsx', 'src/cli.ts', ...args],
    {
      cwd: packageDir,
      env: { ...process.env, DEBUG: '', ...env },
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
