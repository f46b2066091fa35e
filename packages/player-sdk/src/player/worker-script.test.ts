import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PlayerOptions } from './player.js';
import { withWorkerScript, workerPathFor, workerScriptUrl } from './worker-script.js';

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
