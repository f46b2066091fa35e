/**
 * A project outside the repo that installs our packages the way a user does: from the tarballs
 * `npm pack` makes. npm runs offline: the third-party packages they depend on are copied from
 * this repo's node_modules first (the versions our lockfile pins), so npm finds every dependency
 * already installed and fetches nothing.
 */
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repo's root. */
export const REPO = realpathSync(new URL('../..', import.meta.url));

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  exports?: unknown;
}

/** One entry of `npm pack --json`. */
export interface PackResult {
  name: string;
  version: string;
  filename: string;
  size: number;
  unpackedSize: number;
  files: Array<{ path: string; size: number }>;
}

/** The environment for npm: without the `npm_*` variables of an `npm test` that started us. */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!key.toLowerCase().startsWith('npm_')) env[key] = value;
  return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false' };
}

export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** `npm pack` of workspace packages (their built `dist/` as it is) into `destination`. */
export async function packWorkspaces(names: string[], destination: string): Promise<PackResult[]> {
  mkdirSync(destination, { recursive: true });
  const workspaces = names.flatMap((name) => ['-w', name]);
  const { stdout } = await run(
    'npm',
    ['pack', ...workspaces, '--pack-destination', destination, '--json', '--silent'],
    { cwd: REPO, env: npmEnv(), maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as PackResult[];
}

/** The package folder `name` resolves to from `fromDir`, following Node's lookup. */
function packageDir(name: string, fromDir: string): string {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir)
      throw new Error(`${name} is not installed (looked up from ${fromDir})`);
  }
}

/**
 * Every third-party package the given workspace packages need at run time (dependencies,
 * required peers and the optional dependencies that are installed, recursively), as name →
 * folder in this repo. A package found
 * nested in another's node_modules travels with that one's folder.
 */
export function thirdPartyClosure(workspaceDirs: string[]): Map<string, string> {
  const found = new Map<string, string>();
  const visited = new Set<string>();
  const visit = (dir: string) => {
    if (visited.has(dir)) return;
    visited.add(dir);
    const manifest = readManifest(dir);
    // npm installs peers too, except those marked optional.
    const peers = Object.keys(manifest.peerDependencies ?? {}).filter(
      (name) => manifest.peerDependenciesMeta?.[name]?.optional !== true,
    );
    const required = [...Object.keys(manifest.dependencies ?? {}), ...peers];
    const optional = Object.keys(manifest.optionalDependencies ?? {});
    for (const name of [...required, ...optional]) {
      if (name.startsWith('@streamrp2p/')) continue;
      let depDir: string;
      try {
        depDir = packageDir(name, dir);
      } catch (error) {
        if (optional.includes(name)) continue;
        throw error;
      }
      if (isTopLevel(depDir, name)) {
        const seen = found.get(name);
        if (seen !== undefined && seen !== depDir)
          throw new Error(
            `two copies of ${name} are needed (${seen}, ${depDir}): copy them nested`,
          );
        found.set(name, depDir);
      }
      visit(depDir);
    }
  };
  for (const dir of workspaceDirs) visit(dir);
  return found;
}

/** Whether `dir` is a project's `node_modules/<name>`, not one nested in another package's. */
function isTopLevel(dir: string, name: string): boolean {
  const suffix = `${sep}node_modules${sep}${name.split('/').join(sep)}`;
  if (!dir.endsWith(suffix))
    throw new Error(`${name} resolves to ${dir}, not a node_modules folder`);
  return !dir.slice(0, -suffix.length).split(sep).includes('node_modules');
}

/** A fresh folder under the system's temp folder (outside the repo, so nothing leaks in). */
export function scratchDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Makes `dir` an ES module project with the third-party packages copied in, then installs the
 * tarballs with `npm install --offline`, as a user's `npm install <package>` would lay them out.
 */
export async function installTarballs(
  dir: string,
  tarballs: string[],
  thirdParty: Map<string, string>,
): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const manifest = { name: 'streamrp2p-pack-test', private: true, type: 'module' };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
  for (const [name, from] of thirdParty)
    cpSync(from, join(dir, 'node_modules', name), { recursive: true });
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', ...tarballs], {
    cwd: dir,
    env: npmEnv(),
  });
}

/** Runs this repo's TypeScript compiler in `dir`; resolves with what it printed. */
export async function tsc(dir: string, args: string[]): Promise<string> {
  const bin = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    const { stdout } = await run(process.execPath, [bin, ...args], { cwd: dir });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`tsc ${args.join(' ')} failed:\n${stdout}${stderr}`);
  }
}
