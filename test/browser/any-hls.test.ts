import type { Browser, Page } from 'playwright-core';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { startDemoStack, type DemoStack, type DemoStackOptions } from '@streamrp2p/demo';
import { FMP4_FIXTURE_DIR } from '@streamrp2p/live-origin';
import { browserAvailable, launchBrowser, waitFor } from '../support/browser.js';
import { openSdkPage, sdkState, type SdkPageState } from '../support/sdk-page.js';

/** Verified segments a page got whole from a peer (its roots matched the coordinator's). */
function verifiedFromPeers(state: SdkPageState): number {
  return state.segments.filter((s) => s.verified && s.peerId !== undefined).length;
}

/**
 * Opens `clients` SDK pages one after another on a fresh stack and waits until each has played
 * `seconds` and at least `sharing` of them got verified segments from peers.
 */
async function playTogether(
  browser: Browser,
  demo: DemoStack,
  clients: string[],
  seconds: number,
  sharing: number,
): Promise<{ pages: Page[]; states: SdkPageState[] }> {
  const pages: Page[] = [];
  for (const client of clients) pages.push(await openSdkPage(browser, demo, client));
  // A live stream's media time does not start at 0: count from where each page is now.
  const from = (await Promise.all(pages.map(sdkState))).map((s) => s.playback.currentTime);
  let states: SdkPageState[] = [];
  await waitFor(
    async () => {
      states = await Promise.all(pages.map(sdkState));
      return (
        states.every(
          (s, i) => s.playback.currentTime - from[i]! >= seconds || s.playback.fatalError,
        ) && states.filter((s) => verifiedFromPeers(s) > 0).length >= sharing
      );
    },
    90_000,
    `${clients.length} pages to play ${seconds} s and ${sharing} of them to get verified segments from peers`,
  );
  return { pages, states };
}

function describeStack(
  name: string,
  options: DemoStackOptions,
  body: (get: () => { demo: DemoStack; browser: Browser }) => void,
) {
  describe.skipIf(!browserAvailable())(name, () => {
    let demo: DemoStack;
    let browser: Browser;
    beforeAll(async () => {
      demo = await startDemoStack(options);
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await demo?.close();
    });
    body(() => ({ demo, browser }));
  });
}

/** hls.js' `enableWorker` as the page's player left it. */
function workerEnabled(page: Page): Promise<boolean> {
  return page.evaluate(
    () =>
      (window as unknown as { __player: { hls: { config: { enableWorker: boolean } } } }).__player
        .hls.config.enableWorker,
  );
}

/** hls.js' `workerPath` as the page's player left it. */
function hlsWorkerPath(page: Page): Promise<string | undefined> {
  return page.evaluate(
    () =>
      (window as unknown as { __player: { hls: { config: { workerPath?: string } } } }).__player.hls
        .config.workerPath,
  );
}

/** The scripts hls.js' transmuxing worker loaded (none for a worker built from a Blob of hls.js). */
async function workerScripts(page: Page): Promise<string[]> {
  const [worker] = page.workers();
  if (worker === undefined) return [];
  return worker.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
}

/** The page's resource loads so far: URL and what started each (`fetch`, `script`...). */
function pageResources(page: Page): Promise<{ name: string; initiatorType: string }[]> {
  return page.evaluate(() =>
    (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((e) => ({
      name: e.name,
      initiatorType: e.initiatorType,
    })),
  );
}

let openPages: Page[] = [];
afterEach(async () => {
  await Promise.all(openPages.map((page) => page.close()));
  openPages = [];
});

describeStack(
  'an fMP4/CMAF ladder (#EXT-X-MAP, 4 s segments, three renditions) served live',
  { coordinator: { dataDir: 'memory://' }, origin: { fixtureDir: FMP4_FIXTURE_DIR } },
  (get) => {
    it('three pages play it and share verified segments; init segments come over HTTP', async () => {
      const { demo, browser } = get();
      const { pages, states } = await playTogether(browser, demo, ['f1', 'f2', 'f3'], 12, 2);
      openPages = pages;
      for (const state of states) {
        expect(state.playback.fatalError).toBeNull();
        expect(state.stats.playback).toBe('mse');
      }
      const received = states.reduce((sum, s) => sum + s.stats.p2pBytes, 0);
      expect(received).toBeGreaterThan(0);
      // Init segments never go through the engine: hls.js' own loader fetched each page's.
      for (const page of pages) {
        const inits = (await pageResources(page)).filter((e) => e.name.includes('/init.mp4'));
        expect(inits.length).toBeGreaterThan(0);
      }
      const loaded = states.flatMap((s) => s.segments.map((segment) => segment.sequence));
      expect(loaded.every((sequence) => Number.isInteger(sequence))).toBe(true);
      // fMP4 needs no transmuxing: the player turned hls.js' worker off (decision 57), and
      // the page never fetched the worker file (decision 63).
      for (const page of pages) {
        expect(await workerEnabled(page)).toBe(false);
        const workerFiles = (await pageResources(page)).filter((e) =>
          e.name.includes('/hls.worker-'),
        );
        expect(workerFiles).toEqual([]);
      }
      // ... unless the page chose (`hlsConfig.enableWorker`, here through `?worker=1`).
      const chosen = await openSdkPage(browser, demo, 'f4', { worker: '1' });
      openPages.push(chosen);
      expect(await workerEnabled(chosen)).toBe(true);
    });
  },
);

describeStack(
  'byte-range playlists (#EXT-X-BYTERANGE into one file per rendition) from an origin that ignores Range',
  {
    coordinator: { dataDir: 'memory://' },
    origin: { byteRanges: true, ignoreRange: true },
  },
  (get) => {
    it('two pages play and share it, every peer segment checked against its range’s root', async () => {
      const { demo, browser } = get();
      const { pages, states } = await playTogether(browser, demo, ['r1', 'r2'], 10, 1);
      openPages = pages;
      const clients = demo.origin.stats().clients;
      for (const [i, state] of states.entries()) {
        expect(state.playback.fatalError).toBeNull();
        expect(state.errors.filter((e) => e.code === 'HTTP_FAILED')).toEqual([]);
        // The origin sent whole files; the pages kept only each segment's range of them.
        const kept = state.segments.reduce((sum, s) => sum + s.httpBytes, 0);
        expect(clients[`r${i + 1}`]?.segmentBytes ?? 0).toBeGreaterThan(kept);
        // Every byte the page reports came from the origin. A refetch cancelled because the
        // peers' copy verified first (decision 44) leaves bytes in flight that the origin sent
        // and the page never read; from an origin that ignores Range that is the rest of a file.
        const sent = clients[`r${i + 1}`]?.segmentBytes ?? 0;
        expect(sent).toBeGreaterThanOrEqual(state.stats.httpBytes);
        expect(sent - state.stats.httpBytes).toBeLessThan(0.25 * sent);
      }
      // Ranges of the same file are different segments with different sizes.
      const sizes = new Set(states.flatMap((s) => s.segments.map((segment) => segment.bytes)));
      expect(sizes.size).toBeGreaterThan(1);
      expect(states.some((s) => s.integrityFailures.length > 0)).toBe(false);
      // MPEG-TS keeps hls.js' worker: transmuxing stays off the main thread. The embed runs it
      // from hls.js' worker build beside itself, not from a Blob of all hls.js (decision 58):
      // the page's copy of the file, fetched while the first segment loaded (decision 63), or, where
      // the first fragment came first, the file itself, imported by the worker.
      const workerFile = /\/sdk\/hls\.worker-\d+\.\d+\.\d+[\w.-]*\.js$/;
      for (const page of pages) {
        expect(await workerEnabled(page)).toBe(true);
        const fetched = (await pageResources(page))
          .filter((e) => e.initiatorType === 'fetch')
          .map((e) => e.name);
        expect(fetched).toContainEqual(expect.stringMatching(workerFile));
        const imported = await workerScripts(page);
        expect(imported).toEqual(imported.length === 0 ? [] : [expect.stringMatching(workerFile)]);
      }
      // Without that file a page plays on, hls.js transmuxing on the main thread.
      const blocked = await openSdkPage(browser, demo, 'r3', {}, (page) =>
        page.route('**/hls.worker-*.js', (route) => route.abort()),
      );
      openPages.push(blocked);
      expect(await workerEnabled(blocked)).toBe(false);
      expect((await sdkState(blocked)).playback.fatalError).toBeNull();
      // The page fetches that file once the first media playlist is in; when it is there before
      // the first fragment, the worker hls.js starts then runs the page's copy and makes no
      // request of its own (decision 63). Media is held back 1 s here so that it surely is.
      const preloaded = await openSdkPage(browser, demo, 'r5', {}, (page) =>
        page.route(
          (url) => url.pathname.endsWith('.ts'),
          (route) => setTimeout(() => void route.continue().catch(() => undefined), 1000),
        ),
      );
      openPages.push(preloaded);
      expect(await workerEnabled(preloaded)).toBe(true);
      const [worker] = preloaded.workers();
      expect(worker?.url()).toBe(await hlsWorkerPath(preloaded));
      expect(worker?.url()).toMatch(/^blob:/);
      expect(await workerScripts(preloaded)).toEqual([]);
      expect((await sdkState(preloaded)).playback.fatalError).toBeNull();

      // The embed's P2P file is requested only after the first frame (decision 60) ...
      for (const page of pages) {
        const { requestedAt, playingAt } = await page.evaluate(() => {
          const entry = performance
            .getEntriesByType('resource')
            .find((e) => e.name.endsWith('/sdk/streamrp2p-p2p.iife.js'));
          const probe = (
            window as unknown as { __playback: { createdAt: number; startupMs: number } }
          ).__playback;
          return { requestedAt: entry?.startTime, playingAt: probe.createdAt + probe.startupMs };
        });
        expect(requestedAt).toBeGreaterThanOrEqual(playingAt);
      }
      // ... and without it a page plays on over HTTP alone, and says why.
      const noP2P = await openSdkPage(browser, demo, 'r4', {}, (page) =>
        page.route('**/streamrp2p-p2p.iife.js', (route) => route.abort()),
      );
      openPages.push(noP2P);
      await waitFor(
        async () => (await sdkState(noP2P)).errors.some((e) => e.code === 'P2P_UNAVAILABLE'),
        10_000,
        'the P2P_UNAVAILABLE error',
      );
      await waitFor(
        async () => (await sdkState(noP2P)).stats.httpSegments >= 3,
        30_000,
        'three segments over HTTP without P2P',
      );
      const alone = await sdkState(noP2P);
      expect(alone.playback.fatalError).toBeNull();
      expect(alone.stats.p2pBytes).toBe(0);
      expect(alone.stats.httpBytes).toBeGreaterThan(0);
    });
  },
);
