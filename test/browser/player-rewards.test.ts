/**
 * The rewards in the player, in Chromium against the demo stack: a viewer's points appear after
 * a watch-time heartbeat, an award shows "+N", "Share" copies the page link with the viewer's
 * referral code, opening the balance offers "become a supporter"
 * with the stream's real supporter count, and accepting it turns uploading on without reload (a
 * second viewer then receives segments from this one). With `rewards: false`, none of it shows.
 * Screenshots at 1280 and 390 px in test-results/player/.
 */
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoStack, type DemoStack } from '@streamrp2p/demo';
import type { PlayerStats } from '@streamrp2p/player-sdk/player';
import { browserAvailable, launchBrowser, logPageProblems, waitFor } from '../support/browser.js';
import { openSdkPage } from '../support/sdk-page.js';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const SHOTS = 'test-results/player';

/** A page like the demo's SDK page, consume-only at first, with 2 s heartbeats. */
const page = (src: string, rewards: boolean) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Rewards test</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/demo.css" />
  </head>
  <body>
    <main><h1>Rewards</h1><div id="player" class="player"></div></main>
    <script src="/config.js"></script>
    <script src="/sdk/streamrp2p.iife.js"></script>
    <script src="/playback-probe.js"></script>
    <script>
      const config = window.DEMO_CONFIG;
      const player = StreamrP2P.createPlayer({
        el: document.getElementById('player'),
        src: ${JSON.stringify(src)},
        streamId: config.streamId,
        tracker: config.tracker,
        coordinator: config.coordinator,
        rewards: ${rewards},
        p2p: { iceServers: [], consumeOnly: true, heartbeatMs: 2000 },
      });
      window.__player = player;
      window.__points = [];
      player.on('points', (e) => window.__points.push(e));
      window.createPlaybackProbe(player.video);
    </script>
  </body>
</html>`;

async function openRewardsPage(
  browser: Browser,
  demo: DemoStack,
  client: string,
  rewards: boolean,
) {
  const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  logPageProblems(tab, client);
  // A document of the demo's origin (a fulfilled route would not be in the loopback address
  // space, and Chromium would refuse its requests to the other loopback servers).
  await tab.goto(`${demo.url}demo.css`);
  await tab.setContent(page(`${demo.origin.url}/live/master.m3u8?client=${client}`, rewards));
  return tab;
}

const stats = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as { __player: { getStats(): PlayerStats } }).__player.getStats(),
  );

const points = (page: Page) =>
  page.evaluate(
    () => (window as unknown as { __points: { awarded: number; balance: number }[] }).__points,
  );

/**
 * A follow of the stream's streamer, as a site's follow button would send it (25 points, once).
 * Shares pay only when a link brings a new viewer (decision 43), so they are no award to ask.
 */
const follow = (page: Page) =>
  page.evaluate(() =>
    (
      window as unknown as {
        __player: { engine: { coordinator: { award(a: string): Promise<unknown> } } };
      }
    ).__player.engine.coordinator.award('follow_streamer'),
  );

async function shoot(page: Page, name: string): Promise<void> {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await page.evaluate(
      () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
    );
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png` });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            context: unknown,
          ): Promise<{ violations: { id: string; impact: string; help: string }[] }>;
        };
      }
    ).axe;
    const result = await axe.run({ include: [['.srp-rewards']] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.help}`);
  });
}

describe.skipIf(!browserAvailable())('rewards in the player (Chromium)', () => {
  let demo: DemoStack;
  let browser: Browser;

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    // Points from the first seconds, for one viewer alone (production waits for 60 s and 3 others).
    demo = await startDemoStack({
      coordinator: { pointsMinAudience: 0, pointsMinWatchSeconds: 0 },
    });
    // Every demo service and viewer is on loopback, the streamer's network too: the points rule
    // would refuse everything as the streamer's own stream. Here the streamer signed up elsewhere.
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

  it('points after a heartbeat, "+25", the share link, the supporter offer, and uploading on without reload', async () => {
    const page = await openRewardsPage(browser, demo, 'rw1', true);
    const badge = page.locator('.srp-badge');
    // The first heartbeat (2 s of playing) answers the balance: the badge shows it.
    await badge.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await badge.textContent()).toBe('★ 0 pts');
    expect((await points(page)).length).toBeGreaterThan(0);
    expect((await stats(page)).consumeOnly).toBe(true);

    await follow(page);
    await waitFor(async () => (await badge.textContent()) === '★ 25 pts', 5000, 'the new balance');
    const toast = page.locator('.srp-toast.srp-show');
    expect(await toast.textContent()).toBe('+25');
    // Screenshot it shown, not fading in.
    await waitFor(
      async () => (await toast.evaluate((e) => getComputedStyle(e).opacity)) === '1',
      2000,
      'the notification to show',
    );
    await shoot(page, 'points-toast');

    // Viewing the balance is a high-intent moment: the offer, with the real supporter count.
    await badge.focus();
    await page.keyboard.press('Enter');
    expect(await badge.getAttribute('aria-expanded')).toBe('true');
    const offer = page.getByRole('button', { name: 'Become a supporter' });
    await offer.waitFor({ timeout: 5000 });
    const { supporters } = (await (
      await fetch(`${demo.coordinatorUrl}/api/streams/${demo.streamId}/supporters`)
    ).json()) as { supporters: number };
    const proof = supporters === 0 ? 'Be the first supporter' : `Join ${supporters} other`;
    await page.getByText(proof).waitFor({ timeout: 5000 });
    expect(await axeViolations(page)).toEqual([]);
    await shoot(page, 'supporter-offer');

    // "Share" copies the page's link with this viewer's referral code (no share sheet here).
    await page.evaluate(() => {
      const copied: string[] = ((window as unknown as { __copied: string[] }).__copied = []);
      Object.defineProperty(navigator, 'share', { value: undefined, configurable: true });
      Object.defineProperty(navigator, 'clipboard', {
        value: { writeText: (text: string) => (copied.push(text), Promise.resolve()) },
        configurable: true,
      });
    });
    await page.getByRole('button', { name: 'Share' }).click();
    await page
      .locator('.srp-toast.srp-show', { hasText: 'Link copied' })
      .waitFor({ timeout: 5000 });
    const [link] = await page.evaluate(
      () => (window as unknown as { __copied: string[] }).__copied,
    );
    const code = new URL(link!).searchParams.get('ref');
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    expect(new URL(link!).pathname).toBe(new URL(page.url()).pathname);
    await shoot(page, 'share-link');

    await offer.click();
    const cap = page.getByLabel('Upload cap');
    expect(await cap.inputValue()).toBe('2');
    await cap.fill('1.5');
    await shoot(page, 'supporter-cap');
    await page.getByRole('button', { name: 'Start supporting' }).click();
    expect(await stats(page)).toMatchObject({ consumeOnly: false, maxUploadKbps: 1500 });
    expect(await page.evaluate(() => localStorage.getItem('streamrp2p:supporter'))).toBe(
      '{"maxUploadKbps":1500,"allowMetered":false}',
    );
    await page.getByText('Thank you! You now share up to 1.5 Mbit/s.').waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // Really uploading now: a second viewer gets segments from this one, and the panel says so.
    const other = await openSdkPage(browser, demo, 'rw2', { consumeOnly: '1' });
    await waitFor(async () => (await stats(page)).uploadedBytes > 0, 25_000, 'an upload');
    await waitFor(
      async () => !(await page.getByText('Served this session: 0 B').isVisible()),
      5000,
      'the served bytes to show',
    );
    expect(await page.locator('.streamrp2p-overlay').textContent()).not.toContain('consume-only');
    await shoot(page, 'supporting');
    await other.close();
    await page.close();
  }, 90_000);

  it('with rewards: false, points still flow but nothing shows', async () => {
    const page = await openRewardsPage(browser, demo, 'rw3', false);
    await waitFor(async () => (await points(page)).length > 0, 20_000, 'a heartbeat');
    await follow(page);
    await waitFor(
      async () => (await points(page)).some((p) => p.awarded === 25),
      5000,
      'the award',
    );
    expect(await page.locator('.srp-rewards').count()).toBe(0);
    expect(await page.locator('#srp-rewards-style').count()).toBe(0);
    await shoot(page, 'rewards-off');
    await page.close();
  }, 60_000);
});
