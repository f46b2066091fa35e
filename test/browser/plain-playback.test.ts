import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoStack, type DemoStack } from '@streamrp2p/demo';
import {
  browserAvailable,
  launchBrowser,
  logPageProblems,
  playbackState,
  waitFor,
} from '../support/browser.js';

describe.skipIf(!browserAvailable())('plain hls.js playback from the live origin', () => {
  let demo: DemoStack;
  let browser: Browser;

  beforeAll(async () => {
    demo = await startDemoStack({ coordinator: false });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('plays the live stream for at least 10 s, and the origin counts the segments', async () => {
    const page = await browser.newPage();
    logPageProblems(page, 'live');
    const src = `${demo.origin.url}/live/master.m3u8?client=live-viewer`;
    await page.goto(`${demo.url}plain.html?src=${encodeURIComponent(src)}`);

    await waitFor(
      async () => (await playbackState(page)).startupMs !== null,
      20_000,
      'playback start',
    );
    const start = (await playbackState(page)).currentTime;
    await page.waitForTimeout(11_000);
    const state = await playbackState(page);

    expect(state.fatalError).toBeNull();
    expect(state.currentTime - start).toBeGreaterThanOrEqual(9);
    const viewer = demo.origin.stats().clients['live-viewer'];
    expect(viewer?.segmentRequests).toBeGreaterThanOrEqual(5);
    expect(viewer?.segmentBytes).toBeGreaterThan(100_000);
    await page.close();
  });

  it('plays the VOD to its end', async () => {
    const page = await browser.newPage();
    logPageProblems(page, 'vod');
    const src = `${demo.origin.url}/vod/master.m3u8?client=vod-viewer`;
    await page.goto(`${demo.url}plain.html?rate=4&src=${encodeURIComponent(src)}`);

    await waitFor(async () => (await playbackState(page)).ended, 60_000, 'the VOD to end');
    const state = await playbackState(page);
    expect(state.fatalError).toBeNull();
    expect(state.currentTime).toBeGreaterThan(38);
    // Every fixture segment of at least one rendition was fetched once.
    expect(demo.origin.stats().clients['vod-viewer']?.segmentRequests).toBeGreaterThanOrEqual(20);
    await page.close();
  });
});
