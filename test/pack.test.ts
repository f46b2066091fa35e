/**
 * The SDK as a user gets it from npm: `npm pack` the player SDK and the protocol package it
 * depends on, install the tarballs into a project outside the repo (offline), then type-check
 * a file that imports them with `moduleResolution` node16 and bundler and bundle it with Vite.
 * Breaks when an export, a declaration or a file the package needs goes missing, or when the
 * workspace's source condition leaks to a user. Packs the built `dist/` (`npm test` builds
 * first); also checks every workspace package's publishing fields.
 */
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Rollup } from 'vite';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_COORDINATOR_CONFIG } from '@streamrp2p/coordinator';
import {
  REPO,
  installTarballs,
  packWorkspaces,
  readManifest,
  scratchDir,
  thirdPartyClosure,
  tsc,
  type PackResult,
} from './support/scratch-project.js';

const PACKED = ['@streamrp2p/protocol', '@streamrp2p/player-sdk'];
const PACKED_DIRS = ['packages/protocol', 'packages/player-sdk'].map((dir) => join(REPO, dir));

/** What a user writes: a player, the engine, an error class and a protocol helper. */
const MAIN_TS = `
import Hls from 'hls.js';
import { P2PEngine, SdkError } from '@streamrp2p/player-sdk';
import { createPlayer, type PlayerOptions } from '@streamrp2p/player-sdk/player';
import { leafCountFor } from '@streamrp2p/protocol';

const options: PlayerOptions = {
  el: document.createElement('video'),
  src: 'https://cdn.example/live.m3u8',
  streamId: 'my-stream',
  tracker: 'https://tracker.example',
};
const player = createPlayer(options);
player.on('segment-loaded', (event) => console.log(event.sequence, event.source, event.bytes));
// @ts-expect-error: the declarations are real types, not \`any\`
createPlayer({ ...options, streamId: 42 });
export const used = [Hls.isSupported(), P2PEngine, SdkError, leafCountFor(16384)];
`;

const tsconfig = (moduleResolution: 'node16' | 'bundler') => ({
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2022', 'DOM', 'DOM.Iterable'],
    module: moduleResolution === 'node16' ? 'node16' : 'preserve',
    moduleResolution,
    strict: true,
    noEmit: true,
    // Declarations are checked too: one that names a type the user lacks fails here.
    skipLibCheck: false,
    types: [],
  },
  files: ['main.ts'],
});

/** Every file an `exports` entry points at (all conditions). */
function exportTargets(exports: unknown): string[] {
  if (typeof exports === 'string') return [exports.replace(/^\.\//, '')];
  if (exports === null || typeof exports !== 'object') return [];
  return Object.values(exports).flatMap(exportTargets);
}

describe('the packed SDK in a user project', () => {
  let dir: string;
  let app: string;
  let packed: Map<string, PackResult>;

  beforeAll(async () => {
    for (const pkg of PACKED_DIRS)
      if (!existsSync(join(pkg, 'dist/index.d.ts')))
        throw new Error(`${pkg} is not built: run \`npm run build\` first`);
    dir = scratchDir('streamrp2p-pack-');
    const results = await packWorkspaces(PACKED, join(dir, 'tarballs'));
    packed = new Map(results.map((result) => [result.name, result]));
    app = join(dir, 'app');
    await installTarballs(
      app,
      results.map((result) => join(dir, 'tarballs', result.filename)),
      thirdPartyClosure(PACKED_DIRS),
    );
    writeFileSync(join(app, 'main.ts'), MAIN_TS);
    for (const resolution of ['node16', 'bundler'] as const)
      writeFileSync(join(app, `tsconfig.${resolution}.json`), JSON.stringify(tsconfig(resolution)));
  }, 60_000);

  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('packs what a user needs and nothing of the tests', () => {
    for (const name of PACKED) {
      const files = packed.get(name)!.files.map((file) => file.path);
      expect(files).toEqual(
        expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/index.d.ts']),
      );
      expect(
        files.filter((file) => /\.test\.|\.test-d\.|\.fixture\.|(^|\/)test\//.test(file)),
      ).toEqual([]);
      // Every export, the workspace's source condition included, names a file in the tarball.
      const exported = exportTargets(readManifest(join(app, 'node_modules', name)).exports);
      expect(exported.filter((target) => !files.includes(target))).toEqual([]);
    }
  });

  it("ships the script the coordinator's default embed snippet loads", () => {
    const sdk = packed.get('@streamrp2p/player-sdk')!;
    const url = new URL(DEFAULT_COORDINATOR_CONFIG.publicSdkUrl);
    const [, version, path] =
      /^\/npm\/@streamrp2p\/player-sdk@([^/]+)\/(.+)$/.exec(url.pathname) ?? [];
    expect(version).toBe(sdk.version);
    expect(sdk.files.map((file) => file.path)).toContain(path);
    // ... and beside it the hls.js worker it runs on MPEG-TS streams (decision 58) and the P2P
    // file its players load after their first frame (decision 60).
    expect(sdk.files.map((file) => file.path)).toContain(
      path!.replace(/[^/]+$/, 'streamrp2p-p2p.iife.js'),
    );
    const hlsVersion = (
      JSON.parse(readFileSync(join(REPO, 'node_modules/hls.js/package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    expect(sdk.files.map((file) => file.path)).toContain(
      path!.replace(/[^/]+$/, `hls.worker-${hlsVersion}.js`),
    );
  });

  it('type-checks an import with moduleResolution node16 and bundler, from dist/', async () => {
    const [node16, bundler] = await Promise.all(
      ['node16', 'bundler'].map((r) => tsc(app, ['-p', `tsconfig.${r}.json`, '--listFiles'])),
    );
    for (const listed of [node16!, bundler!]) {
      const ours = listed.split('\n').filter((file) => file.includes('/@streamrp2p/'));
      expect(ours).toContain(join(app, 'node_modules/@streamrp2p/player-sdk/dist/index.d.ts'));
      expect(ours.filter((file) => !/\/dist\/.*\.d\.ts$/.test(file))).toEqual([]);
    }
  });

  it('bundles for the browser with Vite, from dist/, without Node built-ins', async () => {
    const result = await build({
      root: app,
      configFile: false,
      logLevel: 'silent',
      build: {
        write: false,
        minify: false,
        lib: { entry: 'main.ts', formats: ['es'], fileName: 'main' },
      },
    });
    const chunks = ([result].flat() as Rollup.RollupOutput[]).flatMap((o) =>
      o.output.filter((chunk): chunk is Rollup.OutputChunk => chunk.type === 'chunk'),
    );
    // A Node built-in Vite stubs out for the browser ("externalized for browser compatibility",
    // e.g. simple-peer's `events`) would throw when the page runs.
    const stubbed = chunks.filter((chunk) => chunk.code.includes('__vite-browser-external'));
    expect(stubbed.map((chunk) => chunk.fileName)).toEqual([]);
    const ours = chunks
      .flatMap((chunk) => chunk.moduleIds)
      .filter((id) => id.includes('/node_modules/@streamrp2p/'));
    expect(ours.length).toBeGreaterThan(10);
    expect(ours.filter((id) => !/\/dist\/[^?]*\.js$/.test(id))).toEqual([]);
  });
});

describe('publishing fields of every workspace package', () => {
  const dirs = ['packages', 'examples'].flatMap((parent) =>
    readdirSync(join(REPO, parent)).map((name) => `${parent}/${name}`),
  );
  const manifests = new Map(
    dirs.map((dir) => {
      const text = readFileSync(join(REPO, dir, 'package.json'), 'utf8');
      return [dir, JSON.parse(text) as Record<string, unknown>];
    }),
  );
  const versions = new Map([...manifests.values()].map((m) => [m.name, m.version]));
  const isPrivate = new Map([...manifests.values()].map((m) => [m.name, m.private === true]));

  it.each(dirs)('%s', (dir) => {
    const manifest = manifests.get(dir)!;
    const internal = (field: string) =>
      Object.entries((manifest[field] ?? {}) as Record<string, string>).filter(([name]) =>
        name.startsWith('@streamrp2p/'),
      );
    // npm links a workspace when its version is in the range: exact ranges, never "*".
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies'])
      for (const [name, range] of internal(field)) expect(range).toBe(`^${versions.get(name)}`);
    if (manifest.private === true) return;
    // Released in lockstep: the coordinator's default SDK URL relies on it.
    expect(manifest.version).toBe(versions.get('@streamrp2p/player-sdk'));
    expect(manifest).toMatchObject({
      license: 'MIT',
      publishConfig: { access: 'public' },
      repository: { type: 'git', directory: dir },
      homepage: expect.stringContaining(dir),
      description: expect.any(String),
      keywords: expect.arrayContaining(['streamrp2p']),
      files: expect.arrayContaining(['dist']),
    });
    expect(existsSync(join(REPO, dir, 'LICENSE'))).toBe(true);
    if (manifest.exports !== undefined) expect(manifest.sideEffects).toBeDefined();
    for (const [name] of internal('dependencies')) expect(isPrivate.get(name)).toBe(false);
  });
});
