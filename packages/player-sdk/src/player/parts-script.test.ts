import { afterEach, describe, expect, it } from 'vitest';
import { loadPartsScript, PARTS_GLOBAL, partsScriptUrl } from './parts-script.js';

describe('the embed P2P file', () => {
  afterEach(() => {
    delete (globalThis as Record<string, unknown>)[PARTS_GLOBAL];
  });

  it('is looked for beside the embed script', () => {
    expect(
      partsScriptUrl('https://cdn.example/npm/sdk@1.0.0/dist/browser/streamrp2p.iife.js'),
    ).toBe('https://cdn.example/npm/sdk@1.0.0/dist/browser/streamrp2p-p2p.iife.js');
    expect(partsScriptUrl('https://cdn.example/x/streamrp2p.iife.js?v=2')).toBe(
      'https://cdn.example/x/streamrp2p-p2p.iife.js',
    );
    expect(partsScriptUrl(undefined)).toBeUndefined();
    expect(partsScriptUrl('')).toBeUndefined();
    expect(partsScriptUrl('not a url')).toBeUndefined();
  });

  it('resolves with the global once the file has set it', async () => {
    const parts = { addP2P: () => undefined };
    (globalThis as Record<string, unknown>)[PARTS_GLOBAL] = parts;
    await expect(loadPartsScript(undefined)).resolves.toBe(parts);
  });

  it('rejects without a URL to load it from', async () => {
    await expect(loadPartsScript(undefined)).rejects.toThrow(/no URL/);
  });
});
