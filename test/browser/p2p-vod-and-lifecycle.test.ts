import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDemoStack, type DemoStack } from '@streamrp2p/demo';
import { browserAvailable, launchBrowser, playbackState, waitFor } from '../support/browser.js';
import { openSdkPage, sdkState } from '../support/sdk-page.js';

/** What sdk.html exposes that these tests drive. */
interface PageWindow {
  __player: { hls: { currentLevel: number }; destroy(): Promise<void> };
}

describe.skipIf(!browserAvailable())('SDK player: VOD, quality switches, destroy', () => {
  let demo: DemoStack;
  let browser: Browser;

  beforeAll(async () => {
    demo = await startDemoStack({ coordinator: false });
    browser = await launchBrowser();
  });

  // A failed test leaves no viewer behind to confuse the next one's tracker counts.
  afterEach(async () => {
    await Promise.all(browser.contexts().map((context) => context.close()));
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('a second VOD viewer gets the segments the first one watched from it', async () => {
    // Both viewers play one rendition from their first segment on, so they share one swarm and
    // nothing the first loaded is flushed, reloaded or left behind in another rendition's swarm.
    const vod = { src: `${demo.origin.url}/vod/master.m3u8`, stream: 'vod-test', level: '0' };
    const first = await openSdkPage(browser, demo, 'vod-first', {
      ...vod,
      src: `${vod.src}?client=vod-first`,
    });
    await waitFor(
      async () => (await sdkState(first)).stats.httpBytes > 500_000,
      30_000,
      'the first viewer to buffer',
    );
    // What hls.js loaded before P2P was added is held for peers too: between two loads, the
    // store (VOD keeps everything) holds every byte the viewer downloaded.
    await waitFor(
      async () => {
        const { storeBytes, httpBytes, p2pBytes } = (await sdkState(first)).stats;
        return storeBytes === httpBytes + p2pBytes;
      },
      20_000,
      'the first viewer to hold every segment it loaded, the first ones too',
    );
    const second = await openSdkPage(browser, demo, 'vod-second', {
      ...vod,
      src: `${vod.src}?client=vod-second`,
    });
    await waitFor(
      async () => (await sdkState(second)).stats.p2pBytes > 0,
      30_000,
      'the second viewer to get bytes from the first',
    );
    const state = await sdkState(second);
    expect(state.playback.fatalError).toBeNull();
    expect(state.stats.p2pBytes).toBeGreaterThan(0);
    expect(state.segments.some((s) => s.source === 'p2p')).toBe(true);
    expect(state.segments.every((s) => s.rendition.includes('240p'))).toBe(true);
  });

  it('switching quality moves the viewer to that rendition’s swarm; destroy() leaves the tracker', async () => {
    const page = await openSdkPage(browser, demo, 'switcher');
    await page.evaluate(() => ((window as unknown as PageWindow).__player.hls.currentLevel = 0));
    await waitFor(
      async () => (await sdkState(page)).stats.swarms.some((s) => s.includes('240p')),
      20_000,
      'the 240p swarm',
    );
    await page.evaluate(() => ((window as unknown as PageWindow).__player.hls.currentLevel = 1));
    await waitFor(
      async () => (await sdkState(page)).stats.swarms.some((s) => s.includes('360p')),
      20_000,
      'the 360p swarm',
    );
    expect((await playbackState(page)).fatalError).toBeNull();
    // The swarm is in the engine's stats when it sends its announce; the
    // tracker counts the viewer once that announce arrives.
    await waitFor(
      async () => (await demo.tracker.stats()).peers > 0,
      10_000,
      'the tracker to count the viewer in the 360p swarm',
    );
    await page.evaluate(() => (window as unknown as PageWindow).__player.destroy());
    await waitFor(
      async () => (await demo.tracker.stats()).sockets === 0,
      15_000,
      'the tracker to drop the destroyed player',
    );
    const videos = await page.evaluate(() => document.querySelectorAll('video').length);
    expect(videos).toBe(0);
    await page.close();
  });
});
