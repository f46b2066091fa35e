import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startDemoStack,
  startStaticServer,
  type DemoStack,
  type StaticServer,
} from '@streamrp2p/demo';
import type { EngineStats } from '@streamrp2p/player-sdk';
import { browserAvailable, launchBrowser, logPageProblems, waitFor } from '../support/browser.js';
import { openSdkPage, sdkState } from '../support/sdk-page.js';

const appDir = fileURLToPath(new URL('../../examples/hlsjs-app/', import.meta.url));
const distDir = `${appDir}dist`;

/** The example page's video, and the stats of the `p2p` handle it leaves on `window`. */
interface AppState {
  currentTime: number;
  stats: EngineStats;
}

function appState(page: Page): Promise<AppState> {
  return page.evaluate(() => {
    const { p2p } = window as unknown as { p2p: { getStats(): EngineStats } };
    return {
      currentTime: document.querySelector('video')!.currentTime,
      stats: p2p.getStats(),
    };
  });
}

describe.skipIf(!browserAvailable())(
  'P2P added to hls.js: the example app, and the player’s runtime options',
  () => {
    let demo: DemoStack;
    let site: StaticServer;
    let browser: Browser;

    beforeAll(async () => {
      // `npm test` builds every workspace first (turbo); a lone run of this file builds the page.
      if (!existsSync(`${distDir}/index.html`)) {
        execFileSync('npm', ['run', 'build'], { cwd: appDir, stdio: 'inherit' });
      }
      [demo, browser] = await Promise.all([
        startDemoStack({ coordinator: { dataDir: 'memory://' } }),
        launchBrowser(),
      ]);
      site = await startStaticServer([{ path: '/', target: distDir }]);
    });

    afterAll(async () => {
      await browser?.close();
      await site?.close();
      await demo?.close();
    });

    async function openApp(client: string): Promise<Page> {
      const page = await browser.newPage();
      logPageProblems(page, client);
      const query = new URLSearchParams({
        src: `${demo.origin.url}/live/master.m3u8?client=${client}`,
        stream: demo.streamId,
        tracker: demo.trackerUrl,
        coordinator: demo.coordinatorUrl!,
        stun: 'off',
      });
      await page.goto(`${site.url}/?${query}`);
      return page;
    }

    it('plays with its own hls.js; the second page gets verified bytes from the first; hls.destroy() ends P2P', async () => {
      const first = await openApp('first');
      await waitFor(
        async () => (await appState(first)).currentTime > 2,
        20_000,
        'the first page to play',
      );
      const second = await openApp('second');
      let state = await appState(second);
      await waitFor(
        async () => {
          state = await appState(second);
          return state.currentTime > 4 && state.stats.verifiedP2PBytes > 0;
        },
        30_000,
        'the second page to play and get verified bytes from the first',
      );
      // Two viewers: every byte the second got from a peer, the first uploaded (read after).
      const firstState = await appState(first);
      expect(firstState.stats.uploadedBytes).toBeGreaterThanOrEqual(state.stats.p2pBytes);
      expect(state.stats.peers).toBe(1);
      // The page shows it (it redraws its stats once a second).
      await second.waitForFunction(
        () =>
          /with 1 peer[\s\S]*verified [1-9]/.test(document.querySelector('#stats')!.textContent!),
        undefined,
        { timeout: 5_000 },
      );

      // The developer destroys their hls.js: the engine goes with it, and its peer connection.
      await second.evaluate(() =>
        (window as unknown as { hls: { destroy(): void } }).hls.destroy(),
      );
      await waitFor(
        async () => (await appState(first)).stats.peers === 0,
        10_000,
        'the first page to see its peer close',
      );
      expect((await appState(second)).stats.peers).toBe(0);
      const destroyed = await second.evaluate(() =>
        (
          window as unknown as {
            p2p: { engine: { loadSegment(request: object): Promise<unknown> } };
          }
        ).p2p.engine
          .loadSegment({ rendition: 'r', sequence: 1, url: 'http://x/', deadlineMs: 0, live: true })
          .then(
            () => 'loaded',
            (error: { code?: string }) => error.code,
          ),
      );
      expect(destroyed).toBe('DESTROYED');
      await Promise.all([first.close(), second.close()]);
    });

    it('the ready-made player changes the overlay and uploading while playing (setOptions)', async () => {
      const page = await openSdkPage(browser, demo, 'runtime');
      const overlays = () => page.locator('.streamrp2p-overlay').count();
      const setOptions = (options: object) =>
        page.evaluate(
          (change) =>
            (
              window as unknown as { __player: { setOptions(change: object): unknown } }
            ).__player.setOptions(change),
          options,
        );
      expect(await overlays()).toBe(1);
      await setOptions({ overlay: false });
      expect(await overlays()).toBe(0);
      expect(
        await setOptions({ overlay: true, consumeOnly: true, maxUploadKbps: 900 }),
      ).toMatchObject({ consumeOnly: true, maxUploadKbps: 900 });
      expect(await overlays()).toBe(1);
      await page.waitForFunction(
        () =>
          /up off \(consume-only\)/.test(
            document.querySelector('.streamrp2p-overlay')!.textContent!,
          ),
        undefined,
        { timeout: 5_000 },
      );
      const { stats, playback } = await sdkState(page);
      expect(stats).toMatchObject({ consumeOnly: true, maxUploadKbps: 900 });
      expect(playback.fatalError).toBeNull();
      await page.close();
    });
  },
);
