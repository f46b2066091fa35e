/**
 * Viewer accounts in the player, in Chromium against the demo stack (issue 13, decision 39): at
 * 100 points the rewards' form claims an account for the viewer; a second browser context (a
 * second device) signs in from the panel and shows the same balance, playing on as that viewer
 * with a verified session. Screenshots in test-results/community/.
 */
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoStack, type DemoStack } from '@streamrp2p/demo';
import { browserAvailable, launchBrowser, logPageProblems, waitFor } from '../support/browser.js';

const SHOTS = 'test-results/community';
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Serious or critical axe-core violations inside the rewards. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async () => {
    const { axe } = window as unknown as {
      axe: {
        run(context: unknown): Promise<{ violations: { id: string; impact: string }[] }>;
      };
    };
    const result = await axe.run({ include: [['.srp-rewards']] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}`);
  });
}

/** A page like the demo's SDK page, consume-only, with 2 s heartbeats. */
const html = (src: string) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Viewer account test</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/demo.css" />
  </head>
  <body>
    <main><h1>Viewer account</h1><div id="player" class="player"></div></main>
    <script src="/config.js"></script>
    <script src="/sdk/streamrp2p.iife.js"></script>
    <script>
      const config = window.DEMO_CONFIG;
      window.__player = StreamrP2P.createPlayer({
        el: document.getElementById('player'),
        src: ${JSON.stringify(src)},
        streamId: config.streamId,
        tracker: config.tracker,
        coordinator: config.coordinator,
        p2p: { iceServers: [], consumeOnly: true, heartbeatMs: 2000 },
      });
    </script>
  </body>
</html>`;

describe.skipIf(!browserAvailable())('viewer account in the player (Chromium)', () => {
  let demo: DemoStack;
  let browser: Browser;

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    demo = await startDemoStack({
      coordinator: { pointsMinAudience: 0, pointsMinWatchSeconds: 0 },
    });
    // Every demo service and viewer is on loopback, the streamer's network too: the points rule
    // would refuse the follow as the streamer's own stream. Here the streamer signed up elsewhere.
    await demo
      .coordinator!.db.updateTable('streamers')
      .set({ address_key: '', network_key: '' })
      .execute();
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  /** A player page in a browser context of its own (its own storage: another device). */
  async function device(client: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    logPageProblems(page, client);
    await page.goto(`${demo.url}demo.css`);
    await page.setContent(html(`${demo.origin.url}/live/master.m3u8?client=${client}`));
    await page.locator('.srp-badge').waitFor({ state: 'visible', timeout: 20_000 });
    return page;
  }

  const viewerIdOf = (page: Page) =>
    page.evaluate(() => localStorage.getItem('streamrp2p:viewer-id') ?? '');

  it('claims an account at 100 points, and a second device signs in to the same balance', async () => {
    const db = demo.coordinator!.db;
    const first = await device('va1');
    const viewerId = await viewerIdOf(first);
    // 120 points as if earned: the next heartbeat answers them, with the account prompt.
    await db
      .updateTable('point_balances')
      .set({ balance: 120 })
      .where('viewer_id', '=', viewerId)
      .execute();
    await first.getByRole('button', { name: 'Create account' }).click();
    const email = `viewer-${Date.now()}@example.org`;
    await first.getByLabel('Email').fill(email);
    await first.getByLabel('Password').fill('correct horse battery');
    await first.getByLabel('Display name').fill('Ada');
    await first.screenshot({ path: `${SHOTS}/account-form.png` });
    expect(await axeViolations(first)).toEqual([]);
    await first.getByRole('button', { name: 'Create account' }).click();
    await first.getByText('Signed in as Ada.').waitFor({ timeout: 5000 });
    await first.screenshot({ path: `${SHOTS}/account-claimed.png` });

    const second = await device('va2');
    expect(await viewerIdOf(second)).not.toBe(viewerId);
    await second.locator('.srp-badge').click();
    await second.getByRole('button', { name: 'Sign in' }).click();
    await second.getByLabel('Email').fill(email);
    await second.getByLabel('Password').fill('correct horse battery');
    await second.getByRole('button', { name: 'Sign in' }).click();
    await second.getByText('Signed in as Ada.').waitFor({ timeout: 10_000 });
    expect(await viewerIdOf(second)).toBe(viewerId);
    const { balance } = (await (
      await fetch(`${demo.coordinatorUrl}/api/viewers/${viewerId}/points`)
    ).json()) as { balance: number };
    expect(balance).toBeGreaterThanOrEqual(120);
    await waitFor(
      async () => (await second.locator('.srp-badge').textContent()) === `★ ${balance} pts`,
      5000,
      'the account balance on the second device',
    );
    // The second device plays on as the viewer, proven by its own device secret.
    const sessions = await db
      .selectFrom('sessions')
      .select(['viewer_verified', 'viewer_device_id'])
      .where('viewer_id', '=', viewerId)
      .where('viewer_device_id', 'is not', null)
      .execute();
    expect(sessions).toContainEqual(
      expect.objectContaining({ viewer_verified: true, viewer_device_id: expect.any(String) }),
    );
    // Following the streamer pays 25 points, once.
    await second.getByRole('button', { name: 'Follow', exact: true }).click();
    await second.getByRole('button', { name: 'Following ✓' }).waitFor({ timeout: 5000 });
    await second.getByText('1 follower', { exact: true }).waitFor();
    await waitFor(
      async () => (await second.locator('.srp-badge').textContent()) === `★ ${balance + 25} pts`,
      5000,
      'the follow points',
    );
    await second.screenshot({ path: `${SHOTS}/account-second-device.png` });
  }, 60_000);
});
