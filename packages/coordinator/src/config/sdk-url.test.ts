import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { embedSnippet } from '../streams/embed-snippet.js';
import { DEFAULT_COORDINATOR_CONFIG } from './config.js';
import { SDK_IIFE_PATH } from './sdk-url.js';
import { COORDINATOR_VERSION } from './version.js';

const manifest = (pkg: string) =>
  JSON.parse(readFileSync(new URL(`../../../${pkg}/package.json`, import.meta.url), 'utf8')) as {
    version: string;
    exports: Record<string, unknown>;
  };

describe('the default SDK URL', () => {
  const sdk = manifest('player-sdk');

  it('pins the SDK release of the same version as this coordinator (lockstep releases)', () => {
    expect(COORDINATOR_VERSION).toBe(manifest('coordinator').version);
    expect(sdk.version).toBe(COORDINATOR_VERSION);
    expect(DEFAULT_COORDINATOR_CONFIG.publicSdkUrl).toBe(
      `https://cdn.jsdelivr.net/npm/@streamrp2p/player-sdk@${sdk.version}/dist/browser/streamrp2p.iife.js`,
    );
  });

  it('names the file the SDK package exports as its script-tag build', () => {
    expect(sdk.exports['./browser/streamrp2p.iife.js']).toBe(`./${SDK_IIFE_PATH}`);
  });

  it('is the script of the embed snippet a streamer copies from the studio', () => {
    const snippet = embedSnippet({
      hlsUrl: 'https://cdn.example/live.m3u8',
      streamId: 's1',
      trackerUrl: 'https://tracker.example',
      coordinatorUrl: 'https://coordinator.example',
      sdkUrl: DEFAULT_COORDINATOR_CONFIG.publicSdkUrl,
    });
    expect(snippet).toMatch(
      /<script src="https:\/\/cdn\.jsdelivr\.net\/npm\/@streamrp2p\/player-sdk@\d+\.\d+\.\d+[^/"]*\/dist\/browser\/streamrp2p\.iife\.js" async><\/script>$/,
    );
  });
});
