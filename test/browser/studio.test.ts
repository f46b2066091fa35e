/**
 * The streamer studio in Chromium (issue 12): sign up, add the live stream, watch it indexed,
 * copy the embed snippet; with three viewers playing, the live view shows supporters and a P2P
 * share that match the API and update without a reload; API keys and money pages; no serious
 * or critical axe-core violation; screenshots at 1280 and 390 px in test-results/studio/.
 */
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoStack, type DemoStack } from '@streamrp2p/demo';
import type { SupporterAnalyticsResponse } from '@streamrp2p/protocol';
import type { IndexingResponse, LiveSnapshot } from '@streamrp2p/protocol/api-schemas';
import { studioDistDir } from '../../packages/coordinator/src/studio/studio-static.js';
import { browserAvailable, launchBrowser, logPageProblems, waitFor } from '../support/browser.js';
import { openSdkPage } from '../support/sdk-page.js';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const SHOTS = 'test-results/studio';
const WIDTHS = { desktop: 1280, phone: 390 } as const;

/** Serious and critical axe-core violations of the page as it is now. */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(): Promise<{
            violations: Array<{
              id: string;
              impact: string;
              help: string;
              nodes: Array<{ target: string[] }>;
            }>;
          }>;
        };
      }
    ).axe;
    const result = await axe.run();
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
      );
  });
}

/** Checks axe at both widths and saves a full-page screenshot of each as `<name>-<width>.png`. */
async function checkAndShoot(page: Page, name: string): Promise<void> {
  for (const [label, width] of Object.entries(WIDTHS)) {
    await page.setViewportSize({ width, height: label === 'phone' ? 844 : 900 });
    // Layout and the chart follow the resize on the next frames.
    await page.evaluate(
      () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
    );
    expect(await axeViolations(page), `${name} at ${width} px`).toEqual([]);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    expect(overflow, `${name} scrolls sideways at ${width} px`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: WIDTHS.desktop, height: 900 });
}

/** A same-origin API call from the signed-in page (its cookie). */
function apiFromPage<T>(page: Page, path: string): Promise<T> {
  return page.evaluate(async (p) => {
    const response = await fetch(p);
    if (!response.ok) throw new Error(`${p} answered ${response.status}`);
    return response.json();
  }, path) as Promise<T>;
}

async function kpi(page: Page, id: string): Promise<{ text: string; value: string | null }> {
  const el = page.getByTestId(`kpi-${id}`);
  return {
    text: (await el.locator('.kpi-value').textContent()) ?? '',
    value: await el.getAttribute('data-value'),
  };
}

describe.skipIf(!browserAvailable())('streamer studio in Chromium', () => {
  let demo: DemoStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let studio: string;
  const viewers: Page[] = [];
  let streamId = '';

  beforeAll(async () => {
    if (studioDistDir() === undefined) {
      throw new Error('the studio is not built: run `npm run build -w @streamrp2p/studio`');
    }
    await mkdir(SHOTS, { recursive: true });
    demo = await startDemoStack({ coordinator: { dataDir: 'memory://' } });
    browser = await launchBrowser();
    studio = `${demo.coordinatorUrl}/studio/`;
    context = await browser.newContext({ viewport: { width: WIDTHS.desktop, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: demo.coordinatorUrl!,
    });
    page = await context.newPage();
    logPageProblems(page, 'studio');
  });

  afterAll(async () => {
    await Promise.all(viewers.map((v) => v.close().catch(() => undefined)));
    await browser?.close();
    await demo?.close();
  });

  it('signs up, adds the live stream, shows it indexed and copies the embed snippet', async () => {
    await page.goto(`${studio}#/sign-up`);
    await checkAndShoot(page, 'sign-up');
    await page.getByLabel('Channel name').fill('Night Owl Radio');
    await page.getByLabel('Email').fill('owl@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Streams', level: 1 }).waitFor();
    await checkAndShoot(page, 'streams-empty');

    await page.getByLabel('HLS URL').fill(`${demo.origin.url}/live/master.m3u8`);
    await page.getByLabel(/Title/).fill('Night Owl live');
    await page.getByRole('button', { name: 'Add stream' }).click();
    await page.waitForURL(/#\/streams\/[^/]+\/setup$/);
    streamId = decodeURIComponent(/#\/streams\/([^/]+)\/setup$/.exec(page.url())![1]!);

    await waitFor(
      async () => Number(await page.getByTestId('segments-indexed').textContent()) > 0,
      30_000,
      'the studio to show indexed segments',
    );
    const indexing = await apiFromPage<IndexingResponse>(page, `/api/streams/${streamId}/indexing`);
    expect(indexing.renditions.length).toBeGreaterThan(0);
    expect(Number(await page.getByTestId('renditions-found').textContent())).toBe(
      indexing.renditions.length,
    );

    await page.getByRole('button', { name: 'Copy snippet' }).click();
    await expect
      .poll(() => page.getByTestId('copy-status').textContent())
      .toBe('Copied to the clipboard');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const stream = await apiFromPage<{ embedSnippet: string }>(page, `/api/streams/${streamId}`);
    expect(copied).toBe(stream.embedSnippet);
    expect(copied).toContain(`data-streamrp2p-stream="${streamId}"`);
    await checkAndShoot(page, 'setup');

    // The preview is the snippet itself in a frame: it plays through the SDK.
    await page.getByRole('button', { name: 'Play preview' }).click();
    const frame = page.frameLocator('iframe[title^="Live preview"]');
    await waitFor(
      async () =>
        (await frame
          .locator('video')
          .evaluate((v: HTMLVideoElement) => v.currentTime)
          .catch(() => 0)) > 0,
      30_000,
      'the preview to play',
    );
    await page.getByRole('button', { name: 'Stop preview' }).click();
  });

  it('with three viewers playing, the live view shows supporters and P2P share that match the API, without reload', async () => {
    for (const client of ['v1', 'v2', 'v3']) {
      viewers.push(await openSdkPage(browser, demo, client, { stream: streamId }));
    }
    await page.getByRole('link', { name: 'Live view' }).click();
    await page.getByTestId('live-connection').getByText('Live').waitFor();
    // A marker a reload would wipe.
    await page.evaluate(
      () => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true),
    );
    const firstAt = await page.getByTestId('live-kpis').getAttribute('data-at');

    await waitFor(
      async () =>
        Number((await kpi(page, 'supporters')).text) > 0 &&
        Number((await kpi(page, 'p2p-share')).value ?? 0) > 0,
      90_000,
      'the live view to show supporters and P2P bytes',
    );
    expect(await page.getByTestId('live-kpis').getAttribute('data-at')).not.toBe(firstAt);
    expect(
      await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument),
    ).toBe(true);

    // The page against the API. Figures move with every receipt: stop the viewers' loading and
    // send their queued receipts, then compare a push with a JSON read of the same minute (the
    // window only moves when a minute begins).
    await Promise.all(viewers.map(quiesce));
    // A receipt of a transfer that was in flight can still land between the two reads: try again.
    let last: { page: unknown; api: unknown } | undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      const live = await apiFromPage<LiveSnapshot>(
        page,
        `/api/streams/${streamId}/live?format=json`,
      );
      await waitFor(
        async () => ((await page.getByTestId('live-kpis').getAttribute('data-at')) ?? '') > live.at,
        10_000,
        'the next push',
      );
      const pushedAt = (await page.getByTestId('live-kpis').getAttribute('data-at'))!;
      const share = await kpi(page, 'p2p-share');
      const shown = {
        viewers: Number((await kpi(page, 'viewers')).text),
        supporters: Number((await kpi(page, 'supporters')).text),
        p2pShare: Number(share.value),
        shareText: share.text,
      };
      const expected = {
        viewers: live.viewers,
        supporters: live.supporters,
        p2pShare: live.p2pShare,
        shareText: `${Math.round(live.p2pShare! * 100)}%`,
      };
      const sameMinute =
        Math.floor(Date.parse(pushedAt) / 60_000) === Math.floor(Date.parse(live.at) / 60_000);
      last = { page: shown, api: expected };
      if (sameMinute && JSON.stringify(shown) === JSON.stringify(expected)) {
        last = undefined;
        break;
      }
    }
    expect(last, 'the live view never showed the API figures').toBeUndefined();
    expect(Number((await kpi(page, 'viewers')).text)).toBeGreaterThanOrEqual(3);
    // ...and the supporters count is the supporter analytics' own.
    const range = new URLSearchParams({
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
      step: 'minute',
      streamId,
    });
    const analytics = await apiFromPage<SupporterAnalyticsResponse>(
      page,
      `/api/streamers/${await streamerIdOf(page)}/supporter-analytics?${range}`,
    );
    expect(Number((await kpi(page, 'supporters')).text)).toBe(analytics.current_supporters);
    await checkAndShoot(page, 'live-view');
  });

  it('creates, shows once and revokes an API key; records revenue on the money page', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('What is it for?').fill('Billing server');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.getByLabel('The new API key').inputValue();
    expect(key.length).toBeGreaterThan(20);
    const withKey = await fetch(`${demo.coordinatorUrl}/api/streams/${streamId}/indexing`, {
      headers: { Authorization: `Bearer ${key}` },
    });
    expect(withKey.status).toBe(200);
    await checkAndShoot(page, 'api-keys');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Revoke Billing server' }).click();
    await page.getByText('1 revoked').waitFor();
    const revoked = await fetch(`${demo.coordinatorUrl}/api/streams/${streamId}/indexing`, {
      headers: { Authorization: `Bearer ${key}` },
    });
    expect(revoked.status).toBe(401);

    await page.goto(`${studio}#/streams/${streamId}/money`);
    await page.getByLabel(/Amount/).fill('25.50');
    await page.getByRole('button', { name: 'Record revenue' }).click();
    await page
      .getByTestId('revenue')
      .getByText(/25\.50/)
      .waitFor();
    const csvUrl = (await page.getByTestId('statement-csv').getAttribute('href'))!;
    const csv = await page.evaluate(
      async (url) => (await fetch(url)).headers.get('content-type'),
      csvUrl,
    );
    expect(csv).toContain('text/csv');
    await checkAndShoot(page, 'money');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to your studio' }).waitFor();
    expect(
      (await apiFromPage<unknown>(page, '/api/auth/me').catch((e: Error) => e.message)) as string,
    ).toContain('401');
    await checkAndShoot(page, 'sign-in');

    // Back in with the keyboard alone: labelled fields in order, Enter submits.
    await page.getByLabel('Email').focus();
    await page.keyboard.type('owl@example.com');
    await page.keyboard.press('Tab');
    await page.keyboard.type('correct horse battery');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Streams', level: 1 }).waitFor();
    await page.getByRole('link', { name: /Night Owl live/ }).waitFor();
  });
});

/** Stops a viewer's loading and sends its queued receipts, so the coordinator's figures settle. */
async function quiesce(viewer: Page): Promise<void> {
  await viewer.evaluate(async () => {
    const player = (
      window as unknown as {
        __player: {
          hls: { stopLoad(): void };
          engine: { coordinator: { flushReceipts(): Promise<unknown> } };
        };
      }
    ).__player;
    player.hls.stopLoad();
    await player.engine.coordinator.flushReceipts();
  });
}

async function streamerIdOf(page: Page): Promise<string> {
  const me = await apiFromPage<{ streamer: { streamerId: string } }>(page, '/api/auth/me');
  return me.streamer.streamerId;
}
