/**
 * The supporter page (issue 12): a tab that serves the live stream without playing it keeps
 * serving, and its credit keeps growing, while hidden behind another tab: 40 s in the suite, the
 * issue's two minutes with `npm run test:long` (`SUPPORTER_HIDDEN_S=120`).
 *
 * Chromium runs here as a user's would: without the flags the other browser tests use to turn
 * background throttling off, and without Playwright's focus emulation, which makes every page
 * it launches believe it is visible. So this test starts Chromium itself and attaches with
 * `connectOverCDP({ noDefaults: true })`: tabs of the default context are then hidden when
 * another tab comes to the front, and their timers throttled (a 100 ms interval ticks once a
 * second). The supporter and the viewer are separate browser contexts, so separate viewers (a
 * receipt between two tabs of one viewer earns nothing).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoStack, type DemoStack } from '@streamrp2p/demo';
import type { ViewerCreditResponse } from '@streamrp2p/protocol';
import {
  browserAvailable,
  CHROMIUM_PATH,
  logPageProblems,
  playbackState,
  waitFor,
} from '../support/browser.js';
import { checkAndShoot } from '../support/page-checks.js';
import { openSdkPage } from '../support/sdk-page.js';

/** How long the supporter page stays hidden (the issue asks for two minutes: `npm run test:long`). */
const HIDDEN_MS = Number(process.env.SUPPORTER_HIDDEN_S ?? 40) * 1000;

/** What the test reads of the supporter page (`window.__support`). */
interface SupportState {
  visibility: DocumentVisibilityState;
  peerId: string | undefined;
  viewerId: string | undefined;
  peers: number;
  served: number;
  hiddenTicks: number;
  clock: string;
  latest: (number | undefined)[];
  samples: { at: number; hidden: boolean; servedBytes: number; creditedBytes: number }[];
}

function supportState(page: Page): Promise<SupportState> {
  return page.evaluate(() => {
    const s = (
      window as unknown as {
        __support: {
          engine: { getStats(): { peerId?: string; viewerId?: string; peers: number } };
          served(): number;
          state: {
            hiddenTicks: number;
            clock: string;
            renditions: { latest: number | undefined }[];
            samples: SupportState['samples'];
          };
        };
      }
    ).__support;
    const stats = s.engine.getStats();
    return {
      visibility: document.visibilityState,
      peerId: stats.peerId,
      viewerId: stats.viewerId,
      peers: stats.peers,
      served: s.served(),
      hiddenTicks: s.state.hiddenTicks,
      clock: s.state.clock,
      latest: s.state.renditions.map((r) => r.latest),
      samples: s.state.samples,
    };
  });
}

async function credit(demo: DemoStack, viewerId: string): Promise<ViewerCreditResponse> {
  const response = await fetch(`${demo.coordinatorUrl}/api/viewers/${viewerId}/credit`);
  return (await response.json()) as ViewerCreditResponse;
}

/** The newest sequence in the live window of the rendition the viewer plays. */
async function liveEdge(demo: DemoStack): Promise<number> {
  const master = await (await fetch(`${demo.origin.url}/live/master.m3u8`)).text();
  const first = master.split('\n').find((line) => line.trim() && !line.startsWith('#'))!;
  const media = await (await fetch(new URL(first, `${demo.origin.url}/live/`))).text();
  const base = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(media)![1]);
  return base + media.split('\n').filter((line) => line.trim() && !line.startsWith('#')).length - 1;
}

/** Headless Chromium with its default throttling, started by us and attached over CDP. */
async function launchUnthrottled(
  profile: string,
): Promise<{ browser: Browser; process: ChildProcess }> {
  const child = spawn(
    CHROMIUM_PATH,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-sync',
      '--disable-background-networking',
      '--disable-component-update',
      '--autoplay-policy=no-user-gesture-required',
      '--disable-features=WebRtcHideLocalIpsWithMdns',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    { stdio: 'ignore' },
  );
  let port: string | undefined;
  await waitFor(
    async () => {
      port = await readFile(join(profile, 'DevToolsActivePort'), 'utf8').then(
        (text) => text.split('\n')[0],
        () => undefined,
      );
      return port !== undefined && port !== '';
    },
    15_000,
    'Chromium to open its DevTools port',
  );
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`, { noDefaults: true });
  return { browser, process: child };
}

describe.skipIf(!browserAvailable())('the supporter page serves while hidden', () => {
  let demo: DemoStack;
  let browser: Browser;
  let chromiumProcess: ChildProcess | undefined;
  let profile: string;

  beforeAll(async () => {
    demo = await startDemoStack({ coordinator: { dataDir: 'memory://' } });
    profile = await mkdtemp(join(tmpdir(), 'supporter-chromium-'));
    ({ browser, process: chromiumProcess } = await launchUnthrottled(profile));
  });

  afterAll(async () => {
    await browser?.close();
    if (chromiumProcess && chromiumProcess.exitCode === null) {
      const exited = new Promise((resolve) => chromiumProcess!.once('exit', resolve));
      chromiumProcess.kill();
      await exited;
    }
    await demo?.close();
    await rm(profile, { recursive: true, force: true });
  });

  it(
    `credit grows and bytes are served for ${HIDDEN_MS / 1000} s behind another tab`,
    { timeout: HIDDEN_MS + 120_000 },
    async () => {
      // The default context: no focus emulation, so a tab behind another is hidden.
      const context = browser.contexts()[0]!;
      const support = await context.newPage();
      await support.setViewportSize({ width: 1280, height: 900 });
      logPageProblems(support, 'supporter');
      await support.goto(`${demo.url}support.html`);
      await waitFor(
        async () => {
          const s = await supportState(support);
          return s.peerId !== undefined && s.latest.some((l) => l !== undefined);
        },
        30_000,
        'the supporter to join and follow the stream',
      );
      const viewer = await openSdkPage(browser, demo, 'viewer');
      await waitFor(
        async () => (await supportState(support)).served > 0,
        60_000,
        'the supporter to serve the viewer',
      );

      // Hide it: another tab of its window comes to the front.
      const cover = await context.newPage();
      await cover.goto(demo.url);
      await cover.bringToFront();
      await waitFor(
        async () => (await supportState(support)).visibility === 'hidden',
        5_000,
        'the supporter page to be hidden',
      );
      const before = await supportState(support);
      expect(before.clock).toBe('worker');
      const creditBefore = await credit(demo, before.viewerId!);
      const hiddenAt = Date.now();

      // Hidden all that time; check every few seconds that it stays so.
      let stillHidden = true;
      await waitFor(
        async () => {
          stillHidden &&= (await supportState(support)).visibility === 'hidden';
          return !stillHidden || Date.now() - hiddenAt >= HIDDEN_MS;
        },
        HIDDEN_MS + 10_000,
        `${HIDDEN_MS / 1000} s hidden`,
      );
      expect(stillHidden).toBe(true);
      const after = await supportState(support);
      const creditAfter = await credit(demo, after.viewerId!);
      expect(after.visibility).toBe('hidden');
      expect(after.viewerId).toBe(before.viewerId);

      // It served and was credited while hidden...
      expect(after.served).toBeGreaterThan(before.served);
      expect(creditAfter.creditedBytes).toBeGreaterThan(creditBefore.creditedBytes);
      // ... through the whole time, not only at its start: the page's own samples, taken on its
      // clock while hidden, show credit growing in the second half too.
      const hiddenSamples = after.samples.filter((s) => s.hidden && s.at >= hiddenAt);
      expect(hiddenSamples.length).toBeGreaterThan(HIDDEN_MS / 3000 / 2);
      const secondHalf = hiddenSamples.filter((s) => s.at >= hiddenAt + HIDDEN_MS / 2);
      expect(secondHalf.at(-1)!.creditedBytes).toBeGreaterThan(secondHalf[0]!.creditedBytes);
      expect(secondHalf.at(-1)!.servedBytes).toBeGreaterThan(secondHalf[0]!.servedBytes);
      // Its follow loop kept up with the live edge: ticks about once a second, and the newest
      // segment it holds is the origin's newest, or nearly.
      expect(after.hiddenTicks - before.hiddenTicks).toBeGreaterThan((HIDDEN_MS / 1000) * 0.8);
      const edge = await liveEdge(demo);
      expect(Math.max(...after.latest.map((l) => l ?? -1))).toBeGreaterThanOrEqual(edge - 2);
      const playback = await playbackState(viewer);
      expect(playback.fatalError).toBeNull();
      console.log(
        `hidden ${Math.round((Date.now() - hiddenAt) / 1000)} s: served ${after.served - before.served} B, ` +
          `credited ${creditAfter.creditedBytes - creditBefore.creditedBytes} B, ` +
          `${after.hiddenTicks - before.hiddenTicks} ticks`,
      );

      // Back in front: the figures show, at both widths.
      await support.bringToFront();
      await support.getByText(/Serving 1 peer|Ready, waiting/).waitFor();
      expect(await support.textContent('#credited')).not.toBe('…');
      // The upload cap changes while it runs.
      await support.selectOption('#cap', '1000');
      await support.waitForFunction(
        () =>
          (
            window as unknown as {
              __support: { state: { uploadPolicy?: { maxUploadKbps: number } } };
            }
          ).__support.state.uploadPolicy?.maxUploadKbps === 1000,
      );
      await support.getByText('capped at 1 Mbit/s').waitFor();

      // Classic scrollbars take 15 px of a real window: hide them, as a phone would.
      const cdp = await context.newCDPSession(support);
      await cdp.send('Emulation.setScrollbarsHidden', { hidden: true });
      const problems = await checkAndShoot(support, 'test-results/demo', 'supporter');
      for (const p of problems) {
        expect(p.violations, `axe at ${p.width} px`).toEqual([]);
        expect(p.overflowPx, `sideways scroll at ${p.width} px`).toBeLessThanOrEqual(0);
      }
      await viewer.close();
      await cover.close();
      await support.close();
    },
  );
});
