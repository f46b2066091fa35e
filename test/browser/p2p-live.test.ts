import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoStack, type DemoStack } from '@streamrp2p/demo';
import { browserAvailable, launchBrowser, playbackState, waitFor } from '../support/browser.js';
import { openSdkPage, sdkState } from '../support/sdk-page.js';

describe.skipIf(!browserAvailable())('viewers share a live stream peer to peer in Chromium', () => {
  let demo: DemoStack;
  let browser: Browser;

  beforeAll(async () => {
    demo = await startDemoStack({ coordinator: { dataDir: 'memory://' } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('three pages play 30 s with P2P bytes each; the origin serves less than three viewers’ worth; closing one never stalls the others', async () => {
    const pages: Page[] = [];
    for (const client of ['a', 'b', 'c']) pages.push(await openSdkPage(browser, demo, client));
    await waitFor(
      async () =>
        (await Promise.all(pages.map(playbackState))).every(
          (p) => p.currentTime > 25 || p.fatalError,
        ),
      60_000,
      'three pages to play 25 s',
    );

    const states = await Promise.all(pages.map(sdkState));
    for (const state of states) {
      expect(state.playback.fatalError).toBeNull();
      expect(state.playback.currentTime).toBeGreaterThan(25);
      expect(state.stats.p2pBytes).toBeGreaterThan(0);
    }
    const clients = demo.origin.stats().clients;
    const served = ['a', 'b', 'c'].map((c) => clients[c]?.segmentBytes ?? 0);
    const viewerDownload = Math.max(...states.map((s) => s.stats.httpBytes + s.stats.p2pBytes));
    const totalServed = served.reduce((a, b) => a + b, 0);
    // Every HTTP byte the pages report is one the origin counted for them. A refetch cancelled
    // because the peers' copy verified first (decision 44) had bytes in flight that the origin
    // sent and the page never read: a few percent at most.
    const reported = states.reduce((sum, s) => sum + s.stats.httpBytes, 0);
    expect(totalServed).toBeGreaterThanOrEqual(reported);
    expect(totalServed - reported).toBeLessThan(0.1 * totalServed);
    expect(totalServed).toBeLessThan(2 * viewerDownload);
    const uploaded = states.reduce((sum, s) => sum + s.stats.uploadedBytes, 0);
    const received = states.reduce((sum, s) => sum + s.stats.p2pBytes, 0);
    expect(uploaded).toBeGreaterThanOrEqual(received);

    // Close the page that uploaded most: the others keep playing without a stall.
    const uploader = states.reduce(
      (best, s, i) => (s.stats.uploadedBytes > states[best]!.stats.uploadedBytes ? i : best),
      0,
    );
    const before = await Promise.all(pages.map(playbackState));
    await pages[uploader]!.close();
    const others = pages.filter((_, i) => i !== uploader);
    const othersBefore = before.filter((_, i) => i !== uploader);
    await waitFor(
      async () =>
        (await Promise.all(others.map(playbackState))).every(
          (p, i) => p.currentTime - othersBefore[i]!.currentTime > 9 || p.fatalError,
        ),
      30_000,
      'the others to play 9 s after the uploader left',
    );
    for (const [i, page] of pages.entries()) {
      if (i === uploader) continue;
      const after = await playbackState(page);
      expect(after.fatalError).toBeNull();
      expect(after.stalls).toBe(before[i]!.stalls);
      expect(after.currentTime - before[i]!.currentTime).toBeGreaterThan(9);
    }
    await Promise.all(pages.filter((_, i) => i !== uploader).map((page) => page.close()));
  });

  it('a consume-only page downloads from peers and uploads nothing', async () => {
    const sharing = await openSdkPage(browser, demo, 'sharing');
    const consumer = await openSdkPage(browser, demo, 'consumer', { consumeOnly: '1' });
    await waitFor(
      async () => {
        const [state, playback] = await Promise.all([sdkState(consumer), playbackState(sharing)]);
        return (
          (state.stats.p2pBytes > 300_000 && playback.currentTime > 15) ||
          !!state.playback.fatalError
        );
      },
      60_000,
      'the consumer to download from peers',
    );
    const [sharingState, consumerState] = await Promise.all([
      sdkState(sharing),
      sdkState(consumer),
    ]);
    expect(consumerState.stats.consumeOnly).toBe(true);
    expect(consumerState.stats.uploadedBytes).toBe(0);
    expect(consumerState.stats.p2pBytes).toBeGreaterThan(0);
    expect(sharingState.stats.p2pBytes).toBe(0);
    expect(consumerState.playback.fatalError).toBeNull();
    await Promise.all([sharing.close(), consumer.close()]);
  });

  it("the demo page explains one viewer per browser and counts the indexer's origin bytes apart", async () => {
    const page = await browser.newPage();
    await page.goto(`${demo.url}player.html`);
    expect(await page.textContent('.note')).toMatch(/Two tabs of one browser are one viewer/);
    expect(await page.textContent('#node-command')).toContain(`--stream-id ${demo.streamId}`);
    // The indexer fetched every segment it hashed; the page shows those apart from viewers'.
    await page.waitForFunction(
      () =>
        /to indexer\s+[1-9]\d* segment requests/.test(
          document.getElementById('origin')!.textContent ?? '',
        ),
      undefined,
      { timeout: 20_000 },
    );
    const indexer = demo.origin.stats().clients.indexer;
    expect(indexer?.segmentRequests).toBeGreaterThan(0);
    await page.close();
  });

  it('the script-tag embed mounts a player from data attributes and plays', async () => {
    const page = await browser.newPage();
    await page.goto(`${demo.url}embed.html`);
    await page.waitForFunction(
      () => {
        const video = document.querySelector('#embed video') as HTMLVideoElement | null;
        return video !== null && video.currentTime > 4;
      },
      undefined,
      { timeout: 30_000 },
    );
    const overlay = await page.textContent('#embed .streamrp2p-overlay');
    expect(overlay).toMatch(/P2P \d+%/);
    await page.close();
  });
});
