import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PlayerOptions } from './player.js';
import { resolveObjectURL } from 'node:buffer';
import {
  preloadWorkerSource,
  withWorkerScript,
  workerPathFor,
  workerScriptUrl,
  type WorkerHls,
} from './worker-script.js';

const OPTIONS: PlayerOptions = {
  el: {} as HTMLElement,
  src: 'https://cdn.example/live/master.m3u8',
  streamId: 's',
  tracker: 'https://tracker.example',
};
const SCRIPT = 'https://cdn.example/sdk/hls.worker-1.7.4.js';

afterEach(() => vi.restoreAllMocks());

describe('workerScriptUrl', () => {
  it('names the file of this hls.js version beside the embed script', () => {
    expect(workerScriptUrl('https://cdn.example/sdk/streamrp2p.iife.js?v=2', '1.7.4')).toBe(SCRIPT);
    expect(workerScriptUrl('https://cdn.example/x/streamrp2p.iife.js', '1.8.0-beta.1')).toBe(
      'https://cdn.example/x/hls.worker-1.8.0-beta.1.js',
    );
  });

  it('has none without a script URL (an inline or module script) or with an odd version', () => {
    expect(workerScriptUrl(undefined, '1.7.4')).toBeUndefined();
    expect(workerScriptUrl('', '1.7.4')).toBeUndefined();
    expect(workerScriptUrl('not a url', '1.7.4')).toBeUndefined();
    expect(workerScriptUrl('https://cdn.example/e.js', '../../evil')).toBeUndefined();
  });
});

describe('withWorkerScript', () => {
  it("sets hls.js' workerPath to a Blob URL that imports the file, once per page", async () => {
    const options = withWorkerScript({ ...OPTIONS, hlsConfig: { maxBufferLength: 20 } }, SCRIPT);
    const path = options.hlsConfig?.workerPath;
    expect(path).toMatch(/^blob:/);
    expect(options.hlsConfig?.maxBufferLength).toBe(20);
    expect(withWorkerScript(OPTIONS, SCRIPT).hlsConfig?.workerPath).toBe(path);
    expect(workerPathFor(SCRIPT)).toBe(path);
    // What the worker runs: the file, by its absolute URL.
    const source = await (await fetch(path!)).text();
    expect(source).toBe(`importScripts(${JSON.stringify(SCRIPT)});`);
  });

  it("leaves a page's own choice: its workerPath, or no worker", () => {
    const own = { ...OPTIONS, hlsConfig: { workerPath: '/my/hls.worker.js' } };
    expect(withWorkerScript(own, SCRIPT)).toBe(own);
    const none = { ...OPTIONS, hlsConfig: { enableWorker: false } };
    expect(withWorkerScript(none, SCRIPT)).toBe(none);
    expect(withWorkerScript(OPTIONS, undefined)).toBe(OPTIONS);
  });

  it('leaves hls.js as it is where Blob URLs cannot be made', () => {
    vi.spyOn(URL, 'createObjectURL').mockImplementation(() => {
      throw new Error('no Blob URLs here');
    });
    const options = withWorkerScript(OPTIONS, 'https://other.example/hls.worker-1.7.4.js');
    expect(options).toBe(OPTIONS);
  });
});

describe('preloadWorkerSource', () => {
  const IMPORTING = 'blob:importing';

  /** A player's hls.js as far as the preload sees it: its config and the events it awaits. */
  function fakeHls(config: { workerPath?: string; enableWorker?: boolean } = {}) {
    const handlers = new Map<string, () => void>();
    const hls = {
      config: { workerPath: IMPORTING, enableWorker: true, ...config },
      once: (event: string, handler: () => void) => handlers.set(event, handler),
    };
    const fire = (event: string) => handlers.get(event)?.();
    return { hls: hls as unknown as WorkerHls, config: hls.config, fire };
  }

  /** Stubs fetch: each call waits until the test answers it, or its signal aborts it. */
  function stubFetch() {
    const calls: { url: string; signal: AbortSignal; answer: (r: Response) => void }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(
        (url: string, init: RequestInit) =>
          new Promise<Response>((resolve, reject) => {
            const signal = init.signal!;
            calls.push({ url, signal, answer: resolve });
            signal.addEventListener('abort', () => reject(new Error('aborted')));
          }),
      ),
    );
    return calls;
  }

  const WORKER = 'self.onmessage = () => {};';

  afterEach(() => vi.unstubAllGlobals());

  it('fetches the file once the first playlist is in, then points workerPath at a Blob of it', async () => {
    const { hls, config, fire } = fakeHls();
    const calls = stubFetch();
    const preloading = preloadWorkerSource(hls, SCRIPT, IMPORTING);
    expect(calls).toEqual([]);
    fire('hlsLevelLoaded');
    expect(calls.map((call) => call.url)).toEqual([SCRIPT]);
    expect(config.workerPath).toBe(IMPORTING);
    calls[0]!.answer(new Response(WORKER));
    await preloading;
    expect(config.workerPath).toMatch(/^blob:/);
    expect(await resolveObjectURL(config.workerPath)?.text()).toBe(
      `${WORKER}\n//# sourceURL=${SCRIPT}`,
    );
    // Destroying the player frees the copy.
    fire('hlsDestroying');
    expect(resolveObjectURL(config.workerPath)).toBeUndefined();
  });

  it('fetches nothing when hls.js runs no worker (fMP4) or the page set its own', async () => {
    const calls = stubFetch();
    for (const config of [{ enableWorker: false }, { workerPath: '/own.js' }]) {
      const { hls, fire } = fakeHls(config);
      const preloading = preloadWorkerSource(hls, SCRIPT, IMPORTING);
      fire('hlsLevelLoaded');
      await preloading;
    }
    expect(calls).toEqual([]);
  });

  it('stops when the player is destroyed, and leaves workerPath', async () => {
    const { hls, config, fire } = fakeHls();
    const calls = stubFetch();
    const preloading = preloadWorkerSource(hls, SCRIPT, IMPORTING);
    fire('hlsLevelLoaded');
    fire('hlsDestroying');
    expect(calls[0]!.signal.aborted).toBe(true);
    await preloading;
    expect(config.workerPath).toBe(IMPORTING);
  });

  it('leaves the importing worker on a failed fetch, and a path the page set meanwhile', async () => {
    const calls = stubFetch();
    const failed = fakeHls();
    const failing = preloadWorkerSource(failed.hls, SCRIPT, IMPORTING);
    failed.fire('hlsLevelLoaded');
    calls[0]!.answer(new Response('gone', { status: 404 }));

    const changed = fakeHls();
    const overtaken = preloadWorkerSource(changed.hls, SCRIPT, IMPORTING);
    changed.fire('hlsLevelLoaded');
    changed.config.workerPath = '/my/worker.js';
    calls[1]!.answer(new Response(WORKER));

    await Promise.all([failing, overtaken]);
    expect(failed.config.workerPath).toBe(IMPORTING);
    expect(changed.config.workerPath).toBe('/my/worker.js');
  });
});
