import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import {
  startDemoStack,
  startStaticServer,
  type DemoStack,
  type StaticServer,
} from '@streamrp2p/demo';
import { browserAvailable, launchBrowser, logPageProblems, waitFor } from '../support/browser.js';

/** A page as a site embeds the SDK, in a browser whose Media Source Extensions are gone. */
const PAGE = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><div id="player"></div>
<script src="/sdk/streamrp2p.iife.js"></script>
<script>
  const params = new URLSearchParams(location.search);
  window.__modes = [];
  const player = StreamrP2P.createPlayer({
    el: document.getElementById('player'),
    src: params.get('src'),
    streamId: 'native-test',
    tracker: params.get('tracker'),
    p2p: { iceServers: [] },
  });
  player.on('playback-mode', (e) => window.__modes.push(e));
  window.__player = player;
</script>`;

/** What iPhone Safari before ManagedMediaSource looks like to hls.js: no MediaSource at all. */
const REMOVE_MSE = `for (const name of ['MediaSource', 'ManagedMediaSource', 'WebKitMediaSource']) delete window[name];`;

describe.skipIf(!browserAvailable())('playback without Media Source Extensions', () => {
  let demo: DemoStack;
  let site: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    demo = await startDemoStack({ coordinator: false });
    // A real server, not a routed response: Chromium lets only a page on a loopback address
    // load media from one.
    site = await startStaticServer(
      [
        {
          path: '/sdk/',
          target: fileURLToPath(new URL('../../packages/player-sdk/dist/browser', import.meta.url)),
        },
      ],
      {
        host: '127.0.0.1',
        port: 0,
        routes: { '/native.html': { contentType: 'text/html; charset=utf-8', body: () => PAGE } },
      },
    );
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await demo?.close();
  });

  it('plays the live stream natively, without P2P, and says so in its events, stats and overlay', async () => {
    const page = await browser.newPage();
    logPageProblems(page, 'native');
    await page.addInitScript(REMOVE_MSE);
    const src = `${demo.origin.url}/live/master.m3u8?client=native`;
    const query = new URLSearchParams({ src, tracker: demo.trackerUrl });
    await page.goto(`${site.url}/native.html?${query}`);
    expect(await page.evaluate(() => typeof window.MediaSource)).toBe('undefined');

    await waitFor(
      () =>
        page.evaluate(() => {
          const video = document.querySelector('video');
          return video !== null && video.currentTime > 4;
        }),
      30_000,
      'native playback to pass 4 s',
    );
    const state = await page.evaluate(() => {
      const w = window as unknown as {
        __modes: unknown[];
        __player: { getStats(): { playback: string; p2pBytes: number }; hls: unknown };
      };
      return {
        modes: w.__modes,
        stats: w.__player.getStats(),
        hls: w.__player.hls === undefined,
        src: document.querySelector('video')?.src,
        overlay: document.querySelector('.streamrp2p-overlay')?.textContent,
      };
    });
    expect(state.modes).toEqual([expect.objectContaining({ mode: 'native', p2p: false })]);
    expect(state.stats.playback).toBe('native');
    expect(state.stats.p2pBytes).toBe(0);
    expect(state.hls).toBe(true);
    expect(state.src).toBe(src);
    expect(state.overlay).toContain('native HLS playback');
    // The browser fetched the segments itself from the origin.
    expect(demo.origin.stats().clients.native?.segmentRequests).toBeGreaterThan(0);
    await page.close();
  });
});
